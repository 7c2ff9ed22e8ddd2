// Links within the app keep the chosen language.
import { h } from "./dom";
import { lang } from "./i18n";

export function href(params: Record<string, string>): string {
  const q = new URLSearchParams(params);
  if (lang !== "en") q.set("lang", lang);
  return "/?" + q.toString();
}

export function link(params: Record<string, string>, text: string): HTMLAnchorElement {
  return h("a", { href: href(params) }, text);
}
