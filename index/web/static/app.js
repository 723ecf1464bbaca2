// The site's only script (nothing loads from elsewhere): copy an embed snippet, play a clip in the
// page when asked, and show a local placeholder for a thumbnail that cannot load. Thumbnails come from
// this server too (the archive's copies), so nothing is asked of YouTube before a click on play.

// Copy an embed snippet to the clipboard.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button) return;
  var input = button.parentElement.querySelector("input.embed-code");
  input.select();
  var done = function () { button.textContent = "Gekopieerd"; };
  if (navigator.clipboard) {
    navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});

// Play: the player frame (YouTube's privacy-enhanced host, which the CSP's frame-src allows) is made
// only on this click, so a page asks nothing of YouTube before the user does. It plays at once: the
// click was the ask. YouTube's player wants the page's origin as referrer (the site sends none).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.play");
  if (!button) return;
  var url = new URL(button.dataset.player);
  url.searchParams.set("autoplay", "1");
  var frame = document.createElement("iframe");
  frame.src = url.href;
  frame.title = button.dataset.title || "YouTube video";
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.allowFullscreen = true;
  var box = button.closest(".player");
  box.classList.add("playing");
  box.replaceChildren(frame);
  frame.focus();  // keyboard users who pressed the button go on in the player
});

// A thumbnail that cannot load (the server gone, a broken image) shows the local placeholder instead.
var PLACEHOLDER = "/static/thumbnail.svg";
function placeholder(img) {
  if (img.getAttribute("src") === PLACEHOLDER) return;  // the placeholder itself failing: leave it
  img.src = PLACEHOLDER;
  img.classList.add("placeholder");
}
// Errors do not bubble; caught on the way down, they reach here for every image.
document.addEventListener("error", function (event) {
  if (event.target instanceof HTMLImageElement && event.target.matches("img.thumbnail")) placeholder(event.target);
}, true);
// Images that failed before this script ran (it is deferred) are complete with no pixels.
document.querySelectorAll("img.thumbnail").forEach(function (img) {
  if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) placeholder(img);
});
