import { zipStored } from './zip.js';

const encoder = new TextEncoder();
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_RELATIONSHIP = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/**
 * The media type of an `.xlsx` file.
 *
 * @example
 * ```ts
 * new Response(bytes, { headers: { 'content-type': XLSX_CONTENT_TYPE } });
 * ```
 */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// A, B, …, Z, AA, AB, …: spreadsheet column letters for a 0-based index.
function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/**
 * A minimal spreadsheet: one sheet (`template`) whose first row holds `header` (inline strings, so no shared-strings
 * part), packed as the five parts an `.xlsx` needs. What `feedback_url` and `template_url` serve.
 *
 * @example
 * ```ts
 * const bytes = headerRowXlsx({ header: ['user_name', 'order_no', 'pay_month'] });
 * ```
 */
export function headerRowXlsx({ header }: { header: readonly string[] }): Uint8Array {
  const cells = header.map((value, index) => `<c r="${columnLetters(index)}1" t="inlineStr"><is><t>${escapeXml(value)}</t></is></c>`).join('');
  const parts: Record<string, string> = {
    '[Content_Types].xml':
      `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
      `<Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
      `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
      `</Types>`,
    '_rels/.rels': `<Relationships xmlns="${RELATIONSHIPS}"><Relationship Id="rId1" Type="${OFFICE_RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${OFFICE_RELATIONSHIP}"><sheets><sheet name="template" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<Relationships xmlns="${RELATIONSHIPS}"><Relationship Id="rId1" Type="${OFFICE_RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `<worksheet xmlns="${MAIN}"><sheetData><row r="1">${cells}</row></sheetData></worksheet>`,
  };
  return zipStored(Object.entries(parts).map(([name, xml]) => ({ name, data: encoder.encode(XML_HEAD + xml) })));
}
