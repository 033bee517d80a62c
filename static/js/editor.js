// Progressive enhancement for the admin's Markdown editor: show upload errors beside the field.
// The stock markdownx script inserts a generic error text into the editor; we take it out again
// and show the server's own message in an aria-live region instead.
(function () {
  "use strict";
  function messageFrom(response) {
    try {
      var data = typeof response === "string" ? JSON.parse(response) : response;
      if (data && data.image) { return data.image.join(" "); }
    } catch (error) { /* not JSON: fall through */ }
    return "The image could not be uploaded.";
  }
  function statusBox(container) {
    var box = container.querySelector(".upload-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "upload-error";
      box.setAttribute("role", "alert");
      container.parentNode.insertBefore(box, container.nextSibling);
    }
    return box;
  }
  function onError(event) {
    var container = event.target.closest ? event.target.closest(".markdownx") : event.target;
    var editor = container.querySelector("textarea");
    var args = event.detail || [];
    // markdownx inserts its text right after this event, in the same task: tidy up after it.
    window.setTimeout(function () {
      var cleaned = editor.value.replace(/\s*Invalid response/g, "");
      if (cleaned !== editor.value) {
        editor.value = cleaned;
        editor.dispatchEvent(new Event("keyup"));  // refresh the preview
      }
    }, 0);
    statusBox(container).textContent = messageFrom(args[0]);
  }
  function onSuccess(event) {
    var container = event.target.closest ? event.target.closest(".markdownx") : event.target;
    var box = container.parentNode.querySelector(".upload-error");
    if (box) { box.textContent = ""; }
  }
  // markdownx's events do not bubble, so listen in the capture phase.
  document.addEventListener("markdownx.fileUploadError", onError, true);
  document.addEventListener("fileUploadError", onError, true);
  document.addEventListener("markdownx.fileUploadEnd", onSuccess, true);
})();
