// Paste attaches: files on the clipboard (a screenshot, a copied file) pasted anywhere on the
// chat page go to the composer's drop zone, as if dropped there. Text pastes as before.
document.addEventListener("paste", (event) => {
  const files = event.clipboardData ? Array.from(event.clipboardData.files) : [];
  const input = document.querySelector(".attach-drop input[type=file]");
  if (!files.length || !input) return;
  event.preventDefault();
  const transfer = new DataTransfer();
  files.forEach((file) => transfer.items.add(file));
  input.files = transfer.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
});
