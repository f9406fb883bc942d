// The display board: announce each new call with a chime and, where the browser speaks
// Spanish, a voice. Browsers allow sound only after a person touched the page once, hence
// the "Activar sonido" button (a board is set up once in the morning).
(function () {
  "use strict";
  var soundOn = false;
  var lastSeen = null;
  var button = document.getElementById("activar-sonido");

  function chime() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    var ctx = new Ctx();
    [0, 0.35].forEach(function (offset, i) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = i ? 660 : 880;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.4, ctx.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + offset + 0.6);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + offset);
      osc.stop(ctx.currentTime + offset + 0.65);
    });
    setTimeout(function () { ctx.close(); }, 1500);
  }

  function speak(text) {
    if (!("speechSynthesis" in window) || !text) return;
    // "SOP-A023" is read letter by letter, then the number.
    var spoken = text.replace(/([A-Z]+)-([A-Z])0*(\d+)/, function (_, siglas, letra, num) {
      return siglas.split("").join(" ") + ", " + letra + " " + num;
    });
    var utterance = new SpeechSynthesisUtterance(spoken);
    utterance.lang = "es-MX";
    window.speechSynthesis.speak(utterance);
  }

  function check() {
    var board = document.getElementById("llamados");
    if (!board) return;
    var id = board.dataset.ultimo;
    if (lastSeen !== null && id !== lastSeen && id !== "0") {
      board.classList.add("board__main--new");
      if (soundOn) {
        chime();
        setTimeout(function () { speak(board.dataset.anuncio); }, 900);
      }
    }
    lastSeen = id;
  }

  if (button) {
    button.addEventListener("click", function () {
      soundOn = !soundOn;
      button.setAttribute("aria-pressed", soundOn ? "true" : "false");
      button.textContent = soundOn ? "Sonido activado" : "Activar sonido";
      if (soundOn) chime();
    });
  }
  document.body.addEventListener("htmx:afterSettle", check);
  check();
})();
