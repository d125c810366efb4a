// ECharts, only the pieces the console draws: bar charts on a grid (the
// numbers are printed on the bars, so no tooltip), rendered as SVG (sharp on
// screen and on paper). Loaded on demand by NeedsChart: its own chunk of the
// staff page.
import { init, use } from 'echarts/core'
import { BarChart } from 'echarts/charts'
import { GridComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'

use([BarChart, GridComponent, SVGRenderer])

export { init }
