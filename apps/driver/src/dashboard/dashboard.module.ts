import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build` put the dashboard: `dist/dashboard` at the repository root. The driver runs from
 * `dist/apps/driver/src/dashboard` (built) or `apps/driver/src/dashboard` (tests), four levels below it.
 */
export function dashboardDir(): string | null {
  if (process.env.TUSK_DASHBOARD_DIR) return process.env.TUSK_DASHBOARD_DIR;
  const below = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
  const candidates = [join(below, 'dashboard'), join(below, 'dist', 'dashboard')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** The web dashboard's static files at `/` (public: the page asks for the API token itself). */
@Module({})
export class DashboardModule {
  static forRoot(): DynamicModule {
    const rootPath = dashboardDir();
    if (!rootPath) {
      new Logger(DashboardModule.name).warn('no dashboard at / : dist/dashboard is missing (run `npm run build`)');
      return { module: DashboardModule };
    }
    return {
      module: DashboardModule,
      imports: [
        ServeStaticModule.forRoot({
          rootPath,
          // Only `/` renders the page (it routes by URL hash), so no API path can ever fall back to it.
          renderPath: '/',
          // No directory redirects: `/x/..` is a 404 like any unknown path, not a 301 to a folder.
          serveStaticOptions: {
            index: 'index.html',
            fallthrough: true,
            redirect: false,
            setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
          },
        }),
      ],
    };
  }
}
