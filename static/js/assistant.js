// The shopping assistant's chat panel: a launcher, a dialog, and POST /api/v1/assistant/messages.
// Everything the server sends is written with textContent: a product name or an answer is data, never markup.
(function () {
  "use strict";
  var root = document.querySelector("[data-assistant]");
  if (!root) {
    return;
  }
  var STORAGE_KEY = "assistant-conversation";
  var POLL_MS = 20000;
  var launcher = root.querySelector("[data-assistant-open]");
  var panel = root.querySelector("#assistant-panel");
  var closeButton = root.querySelector("[data-assistant-close]");
  var log = root.querySelector("[data-assistant-log]");
  var form = root.querySelector("[data-assistant-form]");
  var input = form.querySelector("input[name=message]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var conversation = null;
  var lastMessageId = 0;
  var pollTimer = null;
  try {
    conversation = window.sessionStorage.getItem(STORAGE_KEY);
  } catch (e) {
    conversation = null;
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("assistant--open");
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("assistant--open");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) {
      open();
    } else {
      close();
    }
  });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      close();
    }
  });

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function addText(author, text) {
    var item = element("li", "assistant__message assistant__message--" + author, text);
    log.appendChild(item);
    scrollToEnd();
    return item;
  }

  function addProducts(item, reply) {
    if (!reply.products || !reply.products.length) {
      return;
    }
    var list = element("ul", "assistant__products");
    // As on every product list: tracking.js sends a list_click with this list id when a card is clicked.
    list.setAttribute("data-list-id", reply.list_id || "");
    reply.products.forEach(function (product, index) {
      var row = element("li", "assistant__product");
      row.setAttribute("data-product-id", String(product.id));
      row.setAttribute("data-position", String(index + 1));
      var link = element("a", "assistant__product-name", product.name);
      link.href = product.url;
      row.appendChild(link);
      row.appendChild(element("span", "assistant__product-price", product.price_text));
      if (product.reason) {
        row.appendChild(element("small", "assistant__product-reason", product.reason));
      }
      list.appendChild(row);
    });
    item.appendChild(list);
  }

  function addComparison(item, comparison) {
    if (!comparison || !comparison.rows) {
      return;
    }
    var table = element("table", "assistant__comparison");
    var head = element("tr");
    head.appendChild(element("th", "", ""));
    comparison.products.forEach(function (product) {
      head.appendChild(element("th", "", product.name));
    });
    table.appendChild(head);
    comparison.rows.forEach(function (row) {
      var tr = element("tr");
      tr.appendChild(element("th", "", row.label));
      row.values.forEach(function (value) {
        tr.appendChild(element("td", "", value));
      });
      table.appendChild(tr);
    });
    item.appendChild(table);
  }

  function addChoices(item, choices) {
    if (!choices || !choices.length) {
      return;
    }
    var bar = element("div", "assistant__choices");
    choices.forEach(function (choice) {
      if (choice.url) {
        var link = element("a", "assistant__choice", choice.label);
        link.href = choice.url;
        bar.appendChild(link);
        return;
      }
      var button = element("button", "assistant__choice", choice.label);
      button.type = "button";
      button.addEventListener("click", function () {
        send(choice.message);
      });
      bar.appendChild(button);
    });
    item.appendChild(bar);
  }

  function showReply(reply, streamed) {
    var author = reply.author === "staff" ? "staff" : "assistant";
    var item = streamed || addText(author, reply.text);
    item.textContent = reply.text; // a streamed message ends as the whole, checked text
    if (author === "staff") {
      item.insertBefore(element("strong", "assistant__author", root.dataset.staff + ": "), item.firstChild);
    }
    addProducts(item, reply);
    addComparison(item, reply.comparison);
    addChoices(item, reply.choices);
    if (reply.id > lastMessageId) {
      lastMessageId = reply.id;
    }
    scrollToEnd();
  }

  function remember(id) {
    conversation = id;
    try {
      window.sessionStorage.setItem(STORAGE_KEY, id);
    } catch (e) {
      // Private mode: the conversation lasts as long as the page.
    }
  }

  function poll() {
    if (!conversation) {
      return;
    }
    var url = root.dataset.endpoint.replace(/messages$/, "conversations/") + conversation + "?after=" + lastMessageId;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        data.messages.forEach(function (message) {
          if (message.id > lastMessageId) {
            if (message.author === "staff") {
              showReply(message);
            }
            lastMessageId = message.id;
          }
        });
        if (data.ticket_status === "open") {
          pollTimer = window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () {
        pollTimer = window.setTimeout(poll, POLL_MS);
      });
  }

  // Server-Sent Events over fetch: the reply's text shows as its pieces arrive, then the whole turn replaces it.
  var CAN_STREAM = !!(
    window.ReadableStream &&
    window.TextDecoder &&
    window.Response &&
    "body" in window.Response.prototype
  );

  function readStream(response, waiting) {
    var reader = response.body.getReader();
    var decoder = new window.TextDecoder();
    var buffered = "";
    var item = null;

    function handle(block) {
      var name = "message";
      var data = "";
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event: ") === 0) {
          name = line.slice(7);
        } else if (line.indexOf("data: ") === 0) {
          data += line.slice(6);
        }
      });
      if (name === "delta") {
        if (!item) {
          waiting.remove();
          item = addText("assistant", "");
        }
        item.textContent += JSON.parse(data).text;
        scrollToEnd();
      } else if (name === "done") {
        return { turn: JSON.parse(data), item: item };
      } else if (name === "error") {
        throw new Error(root.dataset.error);
      }
      return null;
    }

    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          throw new Error(root.dataset.error); // the stream ended before its final event
        }
        buffered += decoder.decode(chunk.value, { stream: true });
        var end = buffered.indexOf("\n\n");
        while (end !== -1) {
          var done = handle(buffered.slice(0, end));
          if (done) {
            reader.cancel();
            return done;
          }
          buffered = buffered.slice(end + 2);
          end = buffered.indexOf("\n\n");
        }
        return pump();
      });
    }

    return pump().catch(function (error) {
      if (item) {
        item.remove();
      }
      throw error;
    });
  }

  function send(text) {
    text = (text || "").trim();
    if (!text) {
      return;
    }
    addText("shopper", text);
    var waiting = addText("pending", root.dataset.sending);
    var body = { message: text, language: root.dataset.language, stream: CAN_STREAM };
    if (conversation) {
      body.conversation = conversation;
    }
    fetch(root.dataset.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: CAN_STREAM ? "text/event-stream, application/json" : "application/json",
        "X-CSRFToken": csrf.value,
      },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        if (response.status === 404 && conversation) {
          conversation = null; // the conversation was deleted (data deletion): start a new one
        }
        if (response.status === 429) {
          throw new Error(root.dataset.throttled);
        }
        if (!response.ok) {
          throw new Error(root.dataset.error);
        }
        var type = response.headers.get("Content-Type") || "";
        if (CAN_STREAM && response.body && type.indexOf("text/event-stream") === 0) {
          return readStream(response, waiting);
        }
        return response.json().then(function (turn) {
          return { turn: turn, item: null }; // a server (or proxy) that answered with the plain JSON turn
        });
      })
      .then(function (answer) {
        var data = answer.turn;
        waiting.remove();
        remember(data.conversation);
        showReply(data.reply, answer.item);
        if (data.ticket_status === "open" && !pollTimer) {
          pollTimer = window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function (error) {
        waiting.remove();
        addText("error", error.message || root.dataset.error);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  if (conversation) {
    poll();
  }
})();
