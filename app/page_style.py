"""The page's CSS: sized for a projector, from 1280x720 up, and readable when zoomed.

Why a grid tied to the window's height: a room must see both worlds, the tallies and the
difference chart at once, without scrolling, at 1280x720 and at 1920x1080. Type grows with
the window (clamped), so it stays readable from the back at either size. Below 900 px of
width (a small window, or a browser zoomed to 150% on a 1280 screen) the panels stack and
each gets the full width, so zooming in enlarges the maps instead of shrinking them.
"""

PAGE_CSS = """
:root { --cp-type: clamp(13px, min(1.15vw, 2.15vh), 24px); }
.cp-workshop { container-type: inline-size; width: 100%; }
.cp-grid { display: grid; gap: 6px; height: calc(100vh - 76px); min-height: 460px;
  grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) minmax(0, 0.7fr);
  grid-template-rows: auto minmax(0, 1.25fr) minmax(0, 1fr);
  grid-template-areas: "head head head" "siloed integrated story" "bottom bottom bottom"; }
.cp-bottom { grid-area: bottom; display: grid; gap: 6px; min-height: 0;
  grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); }
.cp-head { grid-area: head; } .cp-siloed { grid-area: siloed; } .cp-integrated { grid-area: integrated; }
.cp-story-panel { grid-area: story; }
.cp-controls { display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
.cp-buttons { display: contents; }
.cp-cell { min-width: 0; min-height: 0; overflow: hidden; display: flex; flex-direction: column;
  background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 4px 8px; }
.cp-cell > * { min-height: 0; }
.cp-world { flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column; }
.cp-fill { flex: 1 1 auto; min-height: 0; display: flex; }
.cp-fill > div, .cp-fill svg { width: 100%; height: 100%; }
/* A map's weekly redraw stays inside the map: the browser need not lay out or repaint the
   rest of the page for it; the gliding dots get a layer of their own, so each frame of the
   glide repaints a few dozen dots, not the map under them. */
.cp-map { contain: strict; }
.cp-movers { will-change: transform; }
.cp-workshop, .cp-workshop .v-btn { font-size: var(--cp-type); }
.cp-title { font-size: calc(var(--cp-type) * 1.15); font-weight: 600; margin: 0; line-height: 1.3; }
.cp-sub { font-size: calc(var(--cp-type) * 0.85); color: #444; font-weight: 400; }
.cp-week { font-size: calc(var(--cp-type) * 1.4); font-weight: 600; }
.cp-legend { font-size: calc(var(--cp-type) * 0.85); color: #222; line-height: 1.6; }
.cp-key { white-space: nowrap; margin-right: 14px; }
.cp-swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%; margin-right: 4px; }
.cp-question { font-size: var(--cp-type); background: #fff8e1; border-left: 5px solid #f9a825; padding: 2px 8px;
  margin: 2px 0; }
.cp-reveal { background: #e8f5e9; border-left-color: #2e7d32; }
.cp-table { border-collapse: collapse; width: 100%; font-size: var(--cp-type); }
.cp-table th, .cp-table td { padding: 0 5px; border-bottom: 1px solid #e0e0e0; text-align: right; white-space: nowrap; }
.cp-table th:first-child, .cp-table td:first-child { text-align: left; }
.cp-better { color: #1a7f37; font-weight: 600; }
.cp-worse { color: #b42318; font-weight: 600; }
.cp-chance { color: #555; }
.cp-note { font-size: calc(var(--cp-type) * 0.8); color: #444; font-weight: 400; }
.cp-story { overflow-y: auto; font-size: calc(var(--cp-type) * 0.9); margin: 0; padding-left: 1.4em; }
.cp-story-columns { display: flex; flex-direction: column; gap: 4px; min-height: 0; overflow-y: auto; }
.cp-charts { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 12px; }
.cp-charts > div { flex: 1 1 280px; max-width: 380px; }
.cp-panel-error { font-size: 14px; }
.cp-exercise.v-btn { text-transform: none; letter-spacing: normal; height: auto !important; min-height: 30px;
  white-space: normal; text-align: left; justify-content: flex-start; font-size: 15px; }
.cp-exercise .v-btn__content { white-space: normal; flex: 1 1 auto; }
/* the sidebar: narrower than Solara's 400 px, so the worlds get the room */
.v-navigation-drawer { min-width: 300px !important; width: 300px !important; }
/* Solara's "This website runs on Solara" badge must not cover the charts */
div:has(> b > a[href="https://solara.dev"]) { display: none !important; }
/* no blank band above the controls: Solara's page column leaves gaps for invisible parts */
.solara-autorouter-content > .d-flex, .solara-autorouter-content > .d-flex > .d-flex { gap: 0 !important; }
.v-content__wrap > div { padding: 6px 10px !important; }
@container (max-width: 900px) {
  .cp-grid { height: auto; grid-template-columns: minmax(0, 1fr);
    grid-template-rows: none;
    grid-template-areas: "head" "siloed" "integrated" "story" "bottom"; }
  .cp-bottom { grid-template-columns: minmax(0, 1fr); }
  .cp-siloed .cp-fill, .cp-integrated .cp-fill { aspect-ratio: 600 / 404; }
  .cp-difference .cp-fill { aspect-ratio: 420 / 200; }
  .cp-story-panel { max-height: 70vh; }
}
"""
