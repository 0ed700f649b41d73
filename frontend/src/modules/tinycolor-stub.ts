/**
 * Stands in for `@ctrl/tinycolor` in the web build (frontend/vite.config.ts alias; issue 7, first load: ≈ 4.5 kB
 * gzipped on every signed-in page). Element Plus needs it only for custom colours: el-button's `color` prop,
 * el-menu's `background-color` and the colour picker, none of which the app uses. Using one fails loudly here
 * instead of rendering the wrong colour; remove the alias to bring the library back.
 */
export class TinyColor {
  constructor(color: unknown) {
    throw new Error(`custom Element Plus colours (${String(color)}) need @ctrl/tinycolor: remove its alias in frontend/vite.config.ts`);
  }
}
