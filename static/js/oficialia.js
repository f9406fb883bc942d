// The few behaviours the pages share, bound by data attributes: no script is written inside
// a page, so the Content-Security-Policy can forbid inline script altogether.
(function () {
  "use strict";

  // Forms that show fields by the kind of petitioner (persona física, moral, dependencia).
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-show-for]")) { return; }
    function sync() {
      var checked = form.querySelector("input[name=tipo]:checked");
      form.querySelectorAll("[data-show-for]").forEach(function (el) {
        var hasError = el.querySelector(".error");
        el.hidden = !hasError && (!checked || checked.value !== el.dataset.showFor);
      });
    }
    form.addEventListener("change", sync);
    sync();
    form.setAttribute("data-enviando", "");
  });

  // A warning that must be read first (a capture identical to a recent one) takes the focus.
  var first = document.querySelector("[data-autofocus]");
  if (first) { first.focus(); }

  // A filing is sent once: the button says so and goes quiet; errors get the focus.
  var sending = document.querySelectorAll("form[data-enviando]");
  sending.forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = "Enviando…"; }
    });
  });
  if (sending.length) {
    var errors = document.getElementById("errores");
    if (errors) { errors.focus(); }
  }

  // One tap, one ficha: the kiosk's buttons go quiet once the form is on its way (after the
  // submit, so the pressed button's value still travels).
  document.querySelectorAll("form[data-un-toque]").forEach(function (form) {
    form.addEventListener("submit", function () {
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });

  // "Imprimir": a button that only makes sense with script, so it starts hidden.
  document.querySelectorAll("[data-imprimir]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // The kiosk goes back to the start by itself, unless someone is still using it.
  var back = document.querySelector("[data-volver-a]");
  if (back) {
    var timer;
    var wait = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        window.location.href = back.dataset.volverA;
      }, Number(back.dataset.segundos) * 1000);
    };
    ["pointerdown", "keydown", "scroll"].forEach(function (e) {
      window.addEventListener(e, wait, {passive: true});
    });
    wait();
  }
  // Bulk work: a "seleccionar todo" box marks every row box of its table (data-select-all
  // names the checkboxes' name); the count of marked rows is shown beside the bulk actions.
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    var name = all.dataset.selectAll;
    var boxes = function () { return document.querySelectorAll("input[type=checkbox][name='" + name + "']"); };
    var counter = document.querySelector("[data-selected-count='" + name + "']");
    function count() {
      var marked = 0;
      boxes().forEach(function (box) { if (box.checked) { marked += 1; } });
      if (counter) { counter.textContent = marked === 1 ? "1 marcado" : marked + " marcados"; }
      all.checked = marked > 0 && marked === boxes().length;
      all.indeterminate = marked > 0 && marked < boxes().length;
    }
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      count();
    });
    boxes().forEach(function (box) { box.addEventListener("change", count); });
    count();
  });
})();
