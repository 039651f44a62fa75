import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
// After the default theme's styles, so that its variables are overridden.
import './contrast.css';

/** The default theme, with colours that meet WCAG 2.1 AA contrast (see contrast.css). */
export default { extends: DefaultTheme } satisfies Theme;
