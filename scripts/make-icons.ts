/**
 * Draws the Teams app icons (manifest/color.png 192×192, manifest/outline.png 32×32) without any
 * image library: a circular "backup" arrow around clock hands, rasterised with 4×4 supersampling.
 * Run: npx ts-node --transpile-only scripts/make-icons.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodePng, type RgbaImage } from './lib/png';

type Point = readonly [number, number];

/** The glyph in unit coordinates (0..1, y down); `stroke` is the line width as a fraction of the size. */
function insideGlyph(x: number, y: number, stroke: number): boolean {
  const cx = 0.5;
  const cy = 0.52;
  const radius = 0.34;
  const dx = x - cx;
  const dy = cy - y; // y up for the angle maths
  const distance = Math.hypot(dx, dy);
  const angle = ((Math.atan2(dy, dx) * 180) / Math.PI + 360) % 360;
  const gapFrom = 35;
  const gapTo = 80;
  const onRing = Math.abs(distance - radius) <= stroke / 2 && !(angle > gapFrom && angle < gapTo);
  if (onRing) return true;

  // Arrowhead at the top end of the gap, pointing clockwise along the ring.
  const theta = (gapTo * Math.PI) / 180;
  const onCircle: Point = [cx + radius * Math.cos(theta), cy - radius * Math.sin(theta)];
  const tangent: Point = [Math.sin(theta), Math.cos(theta)]; // clockwise direction, y down
  const radial: Point = [Math.cos(theta), -Math.sin(theta)];
  const head = stroke * 1.9;
  const tip: Point = [onCircle[0] + tangent[0] * head * 1.2, onCircle[1] + tangent[1] * head * 1.2];
  const baseA: Point = [onCircle[0] + radial[0] * head, onCircle[1] + radial[1] * head];
  const baseB: Point = [onCircle[0] - radial[0] * head, onCircle[1] - radial[1] * head];
  if (insideTriangle([x, y], tip, baseA, baseB)) return true;

  // Clock hands: twelve o'clock and roughly four o'clock.
  return (
    nearSegment([x, y], [cx, cy], [cx, cy - radius * 0.62], stroke / 2) ||
    nearSegment([x, y], [cx, cy], [cx + radius * 0.48, cy + radius * 0.28], stroke / 2)
  );
}

function insideTriangle(p: Point, a: Point, b: Point, c: Point): boolean {
  const side = (u: Point, v: Point): number => (p[0] - v[0]) * (u[1] - v[1]) - (u[0] - v[0]) * (p[1] - v[1]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  const hasNegative = d1 < 0 || d2 < 0 || d3 < 0;
  const hasPositive = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNegative && hasPositive);
}

function nearSegment(p: Point, a: Point, b: Point, halfWidth: number): boolean {
  const abx = b[0] - a[0];
  const aby = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * abx + (p[1] - a[1]) * aby) / (abx * abx + aby * aby)));
  return Math.hypot(p[0] - (a[0] + t * abx), p[1] - (a[1] + t * aby)) <= halfWidth;
}

interface IconStyle {
  size: number;
  /** Where the glyph sits inside the square (the colour icon keeps a margin around it). */
  glyphScale: number;
  stroke: number;
  background: readonly [number, number, number, number];
}

/** Renders the white glyph over the background, alpha-blended by sub-pixel coverage. */
export function renderIcon(style: IconStyle): RgbaImage {
  const { size, glyphScale, stroke, background } = style;
  const samples = 4;
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const ux = (px + (sx + 0.5) / samples) / size;
          const uy = (py + (sy + 0.5) / samples) / size;
          const gx = (ux - 0.5) / glyphScale + 0.5;
          const gy = (uy - 0.5) / glyphScale + 0.5;
          if (insideGlyph(gx, gy, stroke)) covered++;
        }
      }
      const coverage = covered / (samples * samples);
      const alpha = coverage + (background[3] / 255) * (1 - coverage);
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) {
        const blended = alpha === 0 ? 0 : (255 * coverage + background[c]! * (background[3] / 255) * (1 - coverage)) / alpha;
        pixels[i + c] = Math.round(blended);
      }
      pixels[i + 3] = Math.round(alpha * 255);
    }
  }
  return { width: size, height: size, pixels };
}

/** Accent colour of the app (also `accentColor` in the manifest). */
export const ACCENT: readonly [number, number, number, number] = [0x00, 0x78, 0xd4, 255];

export function writeIcons(manifestDir: string): void {
  const color = renderIcon({ size: 192, glyphScale: 0.72, stroke: 0.085, background: ACCENT });
  const outline = renderIcon({ size: 32, glyphScale: 1, stroke: 0.085, background: [0, 0, 0, 0] });
  writeFileSync(path.join(manifestDir, 'color.png'), encodePng(color));
  writeFileSync(path.join(manifestDir, 'outline.png'), encodePng(outline));
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..', 'manifest');
  writeIcons(dir);
  console.log(`wrote ${path.join(dir, 'color.png')} and ${path.join(dir, 'outline.png')}`);
}
