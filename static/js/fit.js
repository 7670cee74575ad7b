// Fit to slide, for the projector, the presenter (deck.js) and the editor's preview (editor.js):
// a body too long for 1280x720 is shrunk instead of cut.
// Sizes inside .slide-body are in em, so its font size scales text and images together.
// Pictures shrink first: smaller text costs more at the back of the room.
(function () {
  "use strict";

  var IMAGE_STEPS = [0.85, 0.7, 0.55];
  var FONT_STEPS = [95, 90, 85, 80, 75, 70, 65, 60]; // percent, never below 60 %

  function overflows(body) {
    return body.scrollHeight > body.clientHeight + 1 || body.scrollWidth > body.clientWidth + 1;
  }

  function fitSlide(slide) {
    var body = slide && slide.querySelector(".slide-body");
    if (!body || !body.clientHeight) return; // not displayed: fitted when shown
    var images = Array.prototype.slice.call(body.querySelectorAll("img"));
    body.style.fontSize = "";
    images.forEach(function (img) {
      img.style.maxHeight = "";
      // A picture that arrives later changes the height: fit again then.
      if (!img.complete && !img.dataset.fitWait) {
        img.dataset.fitWait = "1";
        img.addEventListener("load", function () { fitSlide(slide); });
      }
    });
    if (!overflows(body)) return;
    var fontPx = parseFloat(getComputedStyle(body).fontSize);
    var bases = images.map(function (img) { return parseFloat(getComputedStyle(img).maxHeight) / fontPx; });
    for (var i = 0; i < IMAGE_STEPS.length && images.length; i++) {
      images.forEach(function (img, j) {
        if (bases[j] > 0) img.style.maxHeight = (bases[j] * IMAGE_STEPS[i]).toFixed(3) + "em";
      });
      if (!overflows(body)) return;
    }
    for (var k = 0; k < FONT_STEPS.length; k++) {
      body.style.fontSize = FONT_STEPS[k] + "%";
      if (!overflows(body)) return;
    }
  }

  window.KitFit = { slide: fitSlide };
})();
