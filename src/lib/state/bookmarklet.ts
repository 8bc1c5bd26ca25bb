// The "Capture to <group>" bookmarklet: on any page it opens this group's add dialog with the page's
// address, title, the selected text and up to 32 characters of context on each side.

/** Context kept on each side of the selection, as in a W3C TextQuoteSelector. */
export const CONTEXT_CHARS = 32;

// Plain ES5-ish source, kept as text so no build step can rename or split it.
const SOURCE = `(function(target){
var s=window.getSelection(),q='',p='',x='',n=function(t){return String(t).replace(/\\s+/g,' ')};
if(s&&s.rangeCount&&!s.isCollapsed){var r=s.getRangeAt(0),b=document.body;q=n(s.toString()).trim();
try{var a=document.createRange();a.selectNodeContents(b);a.setEnd(r.startContainer,r.startOffset);p=n(a.toString()).slice(-${CONTEXT_CHARS});
var z=document.createRange();z.selectNodeContents(b);z.setStart(r.endContainer,r.endOffset);x=n(z.toString()).slice(0,${CONTEXT_CHARS});}catch(e){}}
var u=target+'?url='+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title);
if(q)u+='&quote='+encodeURIComponent(q.slice(0,10000))+'&prefix='+encodeURIComponent(p)+'&suffix='+encodeURIComponent(x);
if(!window.open(u,'_blank'))location.href=u;})`;

/** The `javascript:` URL to drag to the bookmarks bar; `origin` is where this app is served. */
export function bookmarkletUrl(origin: string, groupId: string): string {
	const target = `${origin}/g/${encodeURIComponent(groupId)}/new`;
	const code = `${SOURCE.replace(/\n/g, '')}(${JSON.stringify(target)});void 0`;
	return `javascript:${encodeURIComponent(code)}`;
}

/** What the add dialog reads from its URL when the bookmarklet opened it. */
export interface Capture {
	url: string;
	title: string;
	quote: string;
	prefix: string;
	suffix: string;
}

export function readCapture(params: URLSearchParams): Capture {
	const get = (name: string) => params.get(name) ?? '';
	return { url: get('url'), title: get('title'), quote: get('quote'), prefix: get('prefix'), suffix: get('suffix') };
}
