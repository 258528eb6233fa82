// Suggestions under a search box while the shopper types: an ARIA combobox (arrow keys, Enter, Escape).
// A search input opts in with data-suggest-url (the suggest API); without JavaScript the box still searches.
(function () {
  "use strict";

  var DELAY_MS = 150;
  var RECENT_KEY = "search-recent";
  var RECENT_KEPT = 8;

  // The shopper's recent queries stay in this browser: nothing about them is sent until they search again.
  function recentQueries() {
    try {
      return JSON.parse(window.localStorage.getItem(RECENT_KEY) || "[]");
    } catch (error) {
      return [];
    }
  }

  function rememberQuery(query) {
    var recent = [query].concat(recentQueries().filter(function (q) { return q !== query; }));
    try {
      window.localStorage.setItem(RECENT_KEY, JSON.stringify(recent.slice(0, RECENT_KEPT)));
    } catch (error) {
      // storage full or refused (private mode): suggestions simply show no recent queries
    }
  }

  function recentSuggestions(query, searchUrl) {
    var typed = query.toLowerCase();
    return recentQueries()
      .filter(function (q) { return q.toLowerCase().indexOf(typed) === 0 && q.toLowerCase() !== typed; })
      .slice(0, typed ? 2 : 5)
      .map(function (q) { return { kind: "recent", label: q, url: searchUrl + "?q=" + encodeURIComponent(q) }; });
  }

  function setUp(input) {
    var url = input.getAttribute("data-suggest-url");
    var form = input.form;
    var searchUrl = form ? form.getAttribute("action") : "";
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    var timer = null;
    var active = -1;
    var items = [];
    var lastQuery = null;

    list.id = listId;
    list.className = "search-suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (suggestion, i) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        var kind = document.createElement("span");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.className = "search-suggest__item search-suggest__item--" + suggestion.kind;
        link.href = suggestion.url;
        link.tabIndex = -1;
        link.textContent = suggestion.label;
        kind.className = "search-suggest__kind";
        // The page names each kind in its language (data-kind-product...); the API's word is the fallback.
        kind.textContent = input.getAttribute("data-kind-" + suggestion.kind) || suggestion.kind;
        item.appendChild(link);
        item.appendChild(kind);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box until the link is followed
          window.location.href = suggestion.url;
        });
        list.appendChild(item);
        return item;
      });
      active = -1;
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query && document.activeElement === input) {
            show(recentSuggestions(query, searchUrl).concat(data.suggestions || []));
          }
        })
        .catch(close);
    }

    if (form) {
      form.addEventListener("submit", function () {
        if (input.value.trim()) {
          rememberQuery(input.value.trim());
        }
      });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("focus", function () {
      lastQuery = null;
      fetchSuggestions();
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault();
        window.location.href = items[active].querySelector("a").href;
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(setUp);
})();
