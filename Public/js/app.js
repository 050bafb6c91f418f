// Conveniences only: every page works without this file.
// Typeahead: inputs with data-typeahead="/lookup/units" fill their <datalist> with matching serial numbers.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-typeahead]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2 || !list) { return; }
      timer = setTimeout(function () {
        fetch(input.dataset.typeahead + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (hits) {
            list.replaceChildren();
            hits.forEach(function (hit) {
              var option = document.createElement("option");
              option.value = hit.serial;
              option.label = hit.model;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
});
