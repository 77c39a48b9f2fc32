/** The privacy officers' console: its navigation, and the roles admitted to it. */
import type { ApiRole } from '../../auth/principal';
import type { ConsoleSection } from '../shared/console-layout';

export const PRIVACY_CONSOLE_ROLES: readonly ApiRole[] = ['privacy_officer', 'admin'];

export const PRIVACY_SECTION: ConsoleSection = {
  name: 'Privacy',
  home: '/console/privacy',
  nav: [
    { href: '/console/privacy', label: 'Consent overview' },
    { href: '/console/privacy/orgs', label: 'Organizations' },
    { href: '/console/privacy/budget', label: 'Privacy budget' },
    { href: '/console/privacy/erasures', label: 'Erasures' },
    { href: '/console/privacy/audit', label: 'Audit trail' },
  ],
};
