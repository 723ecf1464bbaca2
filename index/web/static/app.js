// Copy an embed snippet to the clipboard; the only script on the site, nothing loads from elsewhere.
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
