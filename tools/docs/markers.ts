/** Generated README blocks live between a start and an end marker; this rewrites what is between. */
export function replaceBetweenMarkers(text: string, startMarker: string, endMarker: string, content: string): string {
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${startMarker} and ${endMarker}`);
  return `${text.slice(0, start + startMarker.length)}\n${content}\n${text.slice(end)}`;
}
