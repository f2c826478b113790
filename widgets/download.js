// Klynge's download channel: files made in the kernel reach the browser as downloads through the
// widget's messages, never through a folder the server serves.
export default {
  render({ model, el }) {
    el.classList.add("klynge-download");
    model.on("msg:custom", (msg, buffers) => {
      if (!msg || msg.type !== "download" || !buffers || !buffers.length) return;
      const blob = new Blob([buffers[0]], { type: String(msg.mime || "application/octet-stream") });
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = String(msg.filename || "klynge");
      link.rel = "noopener";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30000);
    });
  },
};
