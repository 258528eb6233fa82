// Display only: the server recomputes every total. The hidden expected_total follows the chosen
// delivery option so that the order is checked against the total the shopper saw.
(function () {
  "use strict";
  var form = document.querySelector("[data-checkout]");
  if (!form) {
    return;
  }
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "shipping_method" || !input.dataset.total) {
      return;
    }
    form.querySelector("[data-summary-shipping]").textContent = input.dataset.shippingDisplay;
    form.querySelector("[data-summary-total]").textContent = input.dataset.totalDisplay;
    form.querySelector("input[name=expected_total]").value = input.dataset.total;
  });
})();
