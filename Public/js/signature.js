// Signature pad: inside each [data-signature] element the customer signs on the <canvas> with mouse, finger or pen
// (Pointer Events), and after every stroke the drawing goes into the hidden input "signature" as a PNG data URL.
// The clear button wipes it. The enclosing form is not sent without a signature unless the button pressed carries
// data-signature-skip. Strokes are kept as points, so a resize of the window redraws them instead of losing them.
(function () {
  "use strict";

  const MAX_WIDTH = 600;   // CSS px
  const HEIGHT = 200;      // CSS px
  const LINE_WIDTH = 2.5;  // CSS px

  function setUp(pad) {
    const canvas = pad.querySelector("canvas");
    const input = pad.querySelector('input[name="signature"]');
    const clearButton = pad.querySelector("[data-signature-clear]");
    const error = pad.querySelector("[data-signature-error]");
    const form = pad.closest("form");
    if (!canvas || !input || !canvas.getContext) { return; }
    const context = canvas.getContext("2d");

    let width = 0;       // the canvas's CSS width
    let ratio = 1;       // device pixels per CSS px of the backing store
    let baseWidth = 0;   // the width the strokes' coordinates refer to; the drawing is shrunk to fit, never enlarged
    let strokes = [];    // each stroke is a list of {x, y} in base-width px
    let stroke = null;   // the stroke being drawn
    let pointerId = null;

    input.value = "";    // the canvas starts blank, whatever the browser restored into the form
    canvas.tabIndex = 0;
    canvas.style.touchAction = "none";
    canvas.style.display = "block";

    function scale() { return baseWidth ? Math.min(1, width / baseWidth) : 1; }

    function line(from, to) {
      const s = scale();
      context.beginPath();
      context.moveTo(from.x * s, from.y * s);
      context.lineTo(to.x * s, to.y * s);
      context.stroke();
    }

    function dot(at) {
      const s = scale();
      context.beginPath();
      context.arc(at.x * s, at.y * s, LINE_WIDTH / 2, 0, 2 * Math.PI);
      context.fill();
    }

    function drawStroke(points) {
      if (points.length === 1) { dot(points[0]); }
      for (let i = 1; i < points.length; i += 1) { line(points[i - 1], points[i]); }
    }

    // White background, then every recorded stroke; setting the canvas size resets the context, so styles go here.
    function paint() {
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.fillStyle = "#fff";
      context.fillRect(0, 0, width, HEIGHT);
      context.fillStyle = context.strokeStyle = "#000";
      context.lineWidth = LINE_WIDTH;
      context.lineCap = context.lineJoin = "round";
      strokes.forEach(drawStroke);
    }

    function save() { input.value = strokes.length ? canvas.toDataURL("image/png") : ""; }

    // Fits the canvas to its container (at most MAX_WIDTH), only when the width or the pixel ratio really changed.
    function resize() {
      const style = getComputedStyle(pad);
      const inner = pad.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const newWidth = Math.floor(Math.min(MAX_WIDTH, inner));
      const newRatio = window.devicePixelRatio || 1;
      if (newWidth <= 0 || (newWidth === width && newRatio === ratio)) { return; }
      width = newWidth;
      ratio = newRatio;
      if (!strokes.length) { baseWidth = width; }
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(HEIGHT * ratio);
      canvas.style.width = width + "px";
      canvas.style.height = HEIGHT + "px";
      paint();
      if (stroke === null) { save(); }
    }

    function pointAt(event) {
      const rect = canvas.getBoundingClientRect();
      const s = scale();  // rect may differ from the CSS size if the canvas is transformed
      const x = (event.clientX - rect.left) * width / rect.width;
      return { x: x / s, y: (event.clientY - rect.top) * HEIGHT / rect.height / s };
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (pointerId !== null || (event.pointerType === "mouse" && event.button !== 0)) { return; }
      event.preventDefault();
      pointerId = event.pointerId;
      try { canvas.setPointerCapture(pointerId); } catch (ignored) { /* the stroke still works without capture */ }
      if (error) { error.hidden = true; }
      canvas.removeAttribute("aria-invalid");
      stroke = [pointAt(event)];
      strokes.push(stroke);
    });

    canvas.addEventListener("pointermove", function (event) {
      if (event.pointerId !== pointerId) { return; }
      event.preventDefault();
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      (events.length ? events : [event]).forEach(function (each) {
        const point = pointAt(each);
        line(stroke[stroke.length - 1], point);
        stroke.push(point);
      });
    });

    function end(event) {
      if (event.pointerId !== pointerId) { return; }
      if (stroke.length === 1) { dot(stroke[0]); }  // a tap leaves a dot
      stroke = pointerId = null;
      save();
    }
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (type) { canvas.addEventListener(type, end); });

    if (clearButton) {
      clearButton.addEventListener("click", function () {
        strokes = [];
        stroke = pointerId = null;
        baseWidth = width;
        paint();
        save();
      });
    }

    if (form) {
      form.addEventListener("submit", function (event) {
        const submitter = event.submitter;
        if (input.value || (submitter && submitter.hasAttribute("data-signature-skip"))) { return; }
        event.preventDefault();
        if (error) {
          error.textContent = pad.dataset.emptyMessage || error.textContent;
          error.hidden = false;
        }
        canvas.setAttribute("aria-invalid", "true");
        canvas.focus();
      });
    }

    window.addEventListener("resize", resize);  // cheap: nothing happens unless the width or pixel ratio changed
    if (window.ResizeObserver) {  // the container may change width without the window, e.g. when a scroll bar appears
      new ResizeObserver(function () { window.requestAnimationFrame(resize); }).observe(pad);
    }
    resize();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature]").forEach(setUp);
  });
})();
