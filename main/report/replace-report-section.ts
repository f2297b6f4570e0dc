/**
 * Puts a section into a run's HTML report by id, replacing the section of that id where the report
 * has one: the extrapolation test and each scenario run add theirs to a report written earlier
 * (report/extrapolation-section.ts, report/scenario-section.ts), and running them again must not
 * stack copies.
 */
const START = (id: string) => `<section id="${id}">`;
const END = '</section>';

/** `html` with the section `id` holding `inner`: replaced where it exists, else added before </body>. */
export function withReportSection(html: string, id: string, inner: string): string {
  const section = `${START(id)}\n${inner}\n${END}`;
  const at = html.indexOf(START(id));
  if (at >= 0) {
    const end = html.indexOf(END, at);
    if (end < 0) throw new Error(`report: section '${id}' is not closed`);
    return html.slice(0, at) + section + html.slice(end + END.length);
  }
  const body = html.lastIndexOf('</body>');
  if (body < 0) throw new Error('report: no </body> to add a section before');
  return `${html.slice(0, body)}${section}\n${html.slice(body)}`;
}
