/** The researchers' dataset browser: its navigation, and who may see it when datasets are not public. */
import type { ApiRole } from '../../auth/principal';
import type { ConsoleSection } from '../shared/console-layout';

export const DATASETS_CONSOLE_ROLES: readonly ApiRole[] = ['researcher', 'privacy_officer', 'admin'];

export const DATASETS_SECTION: ConsoleSection = {
  name: 'Datasets',
  home: '/console/datasets',
  nav: [
    { href: '/console/datasets', label: 'Catalogue' },
    { href: '/docs', label: 'API reference' },
  ],
};
