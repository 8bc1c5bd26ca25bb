// A flat stream of the tags and text in loose HTML, from htmlparser2's tokenizer. Unlike a tree
// builder it keeps no stack of open elements, so a hostile file with millions of unclosed tags is
// read in linear time; the Netscape reader tracks the little nesting it needs (folders) itself.
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

export interface TagHandler {
	/** `name` and attribute names are lower case; `offset` is where the tag starts in the text. */
	open(name: string, attribs: Record<string, string>, offset: number): void;
	close(name: string): void;
	/** Text between tags, entities decoded. */
	text(data: string): void;
}

export function scanTags(html: string, handler: TagHandler): void {
	let tagName = '';
	let tagStart = 0;
	let attribs: Record<string, string> = {};
	let attribName = '';
	let attribValue = '';
	const callbacks: TokenizerCallbacks = {
		onopentagname(start, end) {
			tagName = html.slice(start, end).toLowerCase();
			tagStart = start - 1;
			attribs = {};
		},
		onattribname(start, end) {
			attribName = html.slice(start, end).toLowerCase();
		},
		onattribdata(start, end) {
			attribValue += html.slice(start, end);
		},
		onattribentity(codepoint) {
			attribValue += String.fromCodePoint(codepoint);
		},
		onattribend() {
			if (!Object.hasOwn(attribs, attribName)) attribs[attribName] = attribValue;
			attribValue = '';
		},
		onopentagend() {
			handler.open(tagName, attribs, tagStart);
		},
		onselfclosingtag() {
			handler.open(tagName, attribs, tagStart);
			handler.close(tagName);
		},
		onclosetag(start, end) {
			handler.close(html.slice(start, end).toLowerCase());
		},
		ontext(start, end) {
			handler.text(html.slice(start, end));
		},
		ontextentity(codepoint) {
			handler.text(String.fromCodePoint(codepoint));
		},
		oncdata() {},
		oncomment() {},
		ondeclaration() {},
		onprocessinginstruction() {},
		onend() {}
	};
	const tokenizer = new Tokenizer({ decodeEntities: true }, callbacks);
	tokenizer.write(html);
	tokenizer.end();
}
