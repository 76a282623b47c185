/**
 * Small charts as inline SVG strings, drawn on the server: no script, no fonts or images to load.
 * Every colour and size is an attribute, not CSS, so a chart looks the same where a mail client
 * drops the page's <style>. Every chart carries a <title> and text labels, and the renderer puts
 * a table of the same numbers beside it for clients that drop SVG altogether.
 */

/** Text made safe for HTML and SVG element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface Bar {
  label: string;
  value: number;
}

const FONT = 'font-family="Segoe UI, Roboto, Helvetica, Arial, sans-serif"';
const INK = '#1f2933';
const MUTED = '#7b8794';
const BAR = '#2f6db5';
const MET = '#2e8540';
const MISSED = '#c0392b';
const TRACK = '#e4e7eb';

function svgOpen(width: number, height: number, title: string): string {
  return (
    `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ` +
    `aria-label="${escapeHtml(title)}" ${FONT} font-size="12"><title>${escapeHtml(title)}</title>`
  );
}

function text(x: number, y: number, content: string, attrs = ''): string {
  const fill = attrs.includes('fill=') ? '' : ` fill="${INK}"`;
  return `<text x="${round(x)}" y="${round(y)}"${fill}${attrs ? ` ${attrs}` : ''}>${escapeHtml(content)}</text>`;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Long labels are cut in the chart (the table beside it has them whole). */
function clip(label: string, max: number): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** Vertical bars, one per label, with the value above each bar (e.g. complaints per month). */
export function columnChart(bars: readonly Bar[], opts: { title: string; width?: number; height?: number }): string {
  const width = opts.width ?? 560;
  const height = opts.height ?? 220;
  const top = 24;
  const bottom = 28;
  const left = 8;
  const plot = height - top - bottom;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = (width - 2 * left) / Math.max(1, bars.length);
  const barWidth = Math.min(48, slot * 0.7);
  const parts = [svgOpen(width, height, opts.title)];
  parts.push(
    `<line x1="${left}" y1="${top + plot}" x2="${width - left}" y2="${top + plot}" stroke="${MUTED}" stroke-width="1"/>`,
  );
  bars.forEach((b, i) => {
    const h = (b.value / max) * plot;
    const cx = left + slot * i + slot / 2;
    const y = top + plot - h;
    if (h > 0)
      parts.push(
        `<rect x="${round(cx - barWidth / 2)}" y="${round(y)}" width="${round(barWidth)}" height="${round(h)}" fill="${BAR}"/>`,
      );
    parts.push(text(cx, y - 6, String(b.value), 'text-anchor="middle" font-weight="bold"'));
    parts.push(text(cx, height - 10, clip(b.label, 10), 'text-anchor="middle"'));
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Horizontal bars with the label on the left and the value after the bar (e.g. per category). */
export function barChart(bars: readonly Bar[], opts: { title: string; width?: number }): string {
  const width = opts.width ?? 560;
  const rowHeight = 26;
  const labelWidth = 190;
  const valueWidth = 40;
  const height = Math.max(1, bars.length) * rowHeight + 8;
  const plot = width - labelWidth - valueWidth - 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const parts = [svgOpen(width, height, opts.title)];
  if (bars.length === 0) parts.push(text(8, 20, 'Geen gegevens', `fill="${MUTED}"`));
  bars.forEach((b, i) => {
    const y = 4 + i * rowHeight;
    const w = (b.value / max) * plot;
    parts.push(text(labelWidth - 8, y + 17, clip(b.label, 26), 'text-anchor="end"'));
    parts.push(`<rect x="${labelWidth}" y="${y + 4}" width="${round(plot)}" height="18" fill="${TRACK}"/>`);
    if (w > 0) parts.push(`<rect x="${labelWidth}" y="${y + 4}" width="${round(w)}" height="18" fill="${BAR}"/>`);
    parts.push(text(labelWidth + plot + 6, y + 17, String(b.value), 'font-weight="bold"'));
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * A deadline rate as one bar split into met (green) and missed (red), with the percentage in
 * large type; grey with "geen gegevens" when no deadline was decided.
 */
export function rateBar(
  stats: { met: number; missed: number; rate: number | null },
  opts: { title: string; rateText: string; width?: number },
): string {
  const width = opts.width ?? 360;
  const height = 78;
  const barX = 8;
  const barWidth = width - 16;
  const decided = stats.met + stats.missed;
  const parts = [svgOpen(width, height, opts.title)];
  parts.push(text(barX, 16, opts.title, 'font-weight="bold"'));
  parts.push(`<rect x="${barX}" y="26" width="${barWidth}" height="22" fill="${TRACK}"/>`);
  if (decided > 0) {
    const metWidth = (stats.met / decided) * barWidth;
    if (stats.met > 0) parts.push(`<rect x="${barX}" y="26" width="${round(metWidth)}" height="22" fill="${MET}"/>`);
    if (stats.missed > 0)
      parts.push(
        `<rect x="${round(barX + metWidth)}" y="26" width="${round(barWidth - metWidth)}" height="22" fill="${MISSED}"/>`,
      );
    parts.push(text(width - 8, 16, opts.rateText, 'text-anchor="end" font-weight="bold" font-size="15"'));
    parts.push(text(barX, 66, `op tijd: ${stats.met}`, `fill="${MET}"`));
    parts.push(text(width - 8, 66, `te laat: ${stats.missed}`, `text-anchor="end" fill="${MISSED}"`));
  } else {
    parts.push(text(barX, 66, 'geen gegevens', `fill="${MUTED}"`));
  }
  parts.push('</svg>');
  return parts.join('');
}
