// ECharts, only the pieces the console draws: bar and line charts on a grid,
// with a legend and a tooltip, rendered as SVG (sharp on screen and on paper).
// Loaded on demand by NeedsChart and PipelineChart: its own chunk of the
// staff page, never part of the resident app.
import { init, use } from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer])

export { init }
