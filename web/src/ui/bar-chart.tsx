/**
 * A small bar chart as SVG (no chart library): labelled for screen readers by a table of the same
 * numbers, which is what they read instead of the picture.
 */
export interface Bar {
  label: string;
  value: number;
  /** Shown in the table and the tooltip. */
  text: string;
  /** A shorter label under the bar, where `label` would not fit (a month without its year). */
  axis?: string;
}

export function BarChart({ bars, title, caption, empty }: { bars: Bar[]; title: string; caption?: string; empty?: string }) {
  if (empty && bars.every((b) => b.value === 0)) return <p>{empty}</p>;
  const max = Math.max(1, ...bars.map((b) => Math.abs(b.value)));
  const width = Math.max(240, bars.length * 56);
  const height = 140;
  const slot = width / Math.max(1, bars.length);
  const barWidth = Math.min(slot - 12, 40);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height + 24}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        {bars.map((bar, i) => {
          const h = Math.round((Math.abs(bar.value) / max) * height);
          return (
            <g key={bar.label}>
              <title>{`${bar.label}: ${bar.text}`}</title>
              <rect className={bar.value < 0 ? 'bar negative' : 'bar'} x={i * slot + (slot - barWidth) / 2} y={height - h} width={barWidth} height={h} />
              <text x={i * slot + slot / 2} y={height + 16} textAnchor="middle" className="axis">
                {bar.axis ?? bar.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="visually-hidden">{caption ?? title}</figcaption>
      <table className="visually-hidden">
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.label}>
              <th scope="row">{bar.label}</th>
              <td>{bar.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
