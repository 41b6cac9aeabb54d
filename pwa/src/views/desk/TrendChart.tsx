// A KPI's trend over sub-periods, drawn by uPlot (small, maintained, canvas).
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { t } from '../../i18n'

export interface TrendPoint {
  /** Last day of the sub-period (ms, UTC midnight). */
  at: number
  value: number | null
}

export function TrendChart({ points, label, percent }: { points: TrendPoint[]; label: string; percent?: boolean }) {
  const el = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!el.current || points.length === 0) return
    const data: uPlot.AlignedData = [points.map((p) => p.at / 1000), points.map((p) => (p.value === null ? null : percent ? p.value * 100 : p.value))]
    const chart = new uPlot(
      {
        width: 260,
        height: 70,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { label, stroke: '#0b4f8a', width: 2, fill: 'rgba(11,79,138,0.08)', spanGaps: true, points: { show: true, size: 7 } }],
      },
      data,
      el.current,
    )
    return () => chart.destroy()
  }, [JSON.stringify(points), label, percent])
  return <div class="desk-trend" ref={el} role="img" aria-label={t('trend.label', { label, count: points.length })} data-points={points.length} />
}
