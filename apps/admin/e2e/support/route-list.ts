import routes from '../../app/routes.ts';

export interface RouteEntry {
  path?: string;
  index?: boolean;
  file: string;
  id?: string;
  children?: RouteEntry[];
}

/** Every route of app/routes.ts with its full path (layouts' children joined to their parent's path). */
export function flatRoutes(
  entries: readonly RouteEntry[] = routes as RouteEntry[],
  parent = '',
): Array<{ path: string; file: string; id: string; layout: boolean }> {
  return entries.flatMap((entry) => {
    const path = [parent, entry.path ?? ''].filter(Boolean).join('/');
    const self = {
      path,
      file: entry.file,
      id: entry.id ?? entry.file.replace(/\.tsx?$/, ''),
      layout: Boolean(entry.children),
    };
    return [self, ...flatRoutes(entry.children ?? [], path)];
  });
}
