/**
 * The portal's one stylesheet, served from /static/portal.css (the CSP
 * allows styles from the portal itself only). Colours keep WCAG AA contrast;
 * focus is always visible.
 */
export const portalCss = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5562; --line: #d0d7de; --accent: #0b5cad;
  --ok-bg: #e6f4ea; --ok-ink: #135c2b; --err-bg: #fdecea; --err-ink: #8a1c12; --card: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; color: var(--accent); padding: .5rem 1rem; }
.skip:focus { left: 1rem; top: 1rem; z-index: 10; }
.top { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 1rem;
  padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); }
.brand { margin: 0; font-weight: 700; font-size: 1.1rem; }
.brand span { font-weight: 400; color: var(--muted); }
nav { display: flex; gap: 1rem; align-items: center; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 0 0 .5rem; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, .skip:focus {
  outline: 3px solid #1a73e8; outline-offset: 2px; }
.button, button { display: inline-block; font: inherit; padding: .5rem 1rem; border-radius: 6px; cursor: pointer;
  background: var(--accent); color: #fff; border: 1px solid var(--accent); text-decoration: none; }
button.link { background: none; color: var(--accent); border: none; padding: 0; text-decoration: underline; }
.inline { display: inline; margin: 0; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); padding-bottom: .5rem; }
th, td { text-align: left; vertical-align: top; padding: .5rem; border-bottom: 1px solid var(--line); }
.scopes, .grants, .groups, .elevations { margin: 0; padding-left: 1.25rem; }
.scope { font-weight: 600; }
.muted { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
.cards { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; }
.field { margin: .5rem 0; display: flex; flex-direction: column; gap: .25rem; }
input, select { font: inherit; padding: .4rem; border: 1px solid #6e7781; border-radius: 4px; background: #fff; color: var(--ink); }
.flash { border-radius: 6px; padding: .5rem 1rem; margin-bottom: 1rem; }
.flash p { margin: .25rem 0; }
.flash.ok { background: var(--ok-bg); color: var(--ok-ink); }
.flash.error { background: var(--err-bg); color: var(--err-ink); }
.flash.error a { color: var(--err-ink); }
.notice { background: #fff8e1; border: 1px solid #e7c768; border-radius: 6px; padding: .5rem 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
code { font-size: .9em; }
`;
