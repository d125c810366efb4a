// Spreadsheets for the console test, with exceljs (a library independent of
// the server's excelize): the households sheet a committee would import, and
// reading the consent roll the console downloads, cell by cell.
import ExcelJS from 'exceljs'

/** An .xlsx workbook with one sheet of these rows (the first is the header). */
export async function writeXlsx(rows, sheetName = 'Sheet1') {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet(sheetName)
  ws.addRows(rows)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** A cell's value as plain JS: string, number, or '' for an empty cell. */
function plain(v) {
  if (v === null || v === undefined) return ''
  if (typeof v === 'object') {
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('')
    if ('text' in v) return v.text
    if ('result' in v) return v.result
    if (v instanceof Date) return v
  }
  return v
}

/**
 * Opens an .xlsx and returns its sheets as { name, rows }: rows[0] is the
 * spreadsheet's row 1; every row has the sheet's full width from column A,
 * empty cells ''.
 */
export async function readXlsx(buffer) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(buffer)
  return wb.worksheets.map((ws) => {
    let width = ws.columnCount
    for (let r = 1; r <= ws.rowCount; r += 1) width = Math.max(width, ws.getRow(r).cellCount)
    const rows = []
    for (let r = 1; r <= ws.rowCount; r += 1) {
      const row = ws.getRow(r)
      const cells = []
      for (let c = 1; c <= width; c += 1) cells.push(plain(row.getCell(c).value))
      rows.push(cells)
    }
    return { name: ws.name, rows }
  })
}
