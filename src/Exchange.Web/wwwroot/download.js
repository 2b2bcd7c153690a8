// Saves a file the circuit made (an export) in the browser: the bytes arrive over the circuit, never
// through an address, so no export is cached by a proxy or left in the browser's history.
window.exchangeDownload = async (fileName, contentType, streamReference) => {
    const buffer = await streamReference.arrayBuffer();
    const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = fileName;
    anchor.click();
    anchor.remove();
    URL.revokeObjectURL(url);
};

// Opens the browser's print dialogue (the print view's button).
window.exchangePrint = () => window.print();
