// Styles for the extension's closed shadow roots: a constructed stylesheet (which a page's
// Content-Security-Policy does not block), or a <style> element where a browser refuses one from a
// content script.
export function styleShadow(shadow: ShadowRoot, css: string): void {
	try {
		const sheet = new CSSStyleSheet();
		sheet.replaceSync(css);
		shadow.adoptedStyleSheets = [sheet];
	} catch {
		const style = document.createElement('style');
		style.textContent = css;
		shadow.append(style);
	}
}
