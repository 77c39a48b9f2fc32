/**
 * Who builds the releases: this service's package name and version, named as the builder and the
 * code version in each release's provenance attestation and SPDX document.
 */
import servicePackage from '../../package.json' with { type: 'json' };

export const SERVICE_NAME: string = servicePackage.name;
export const SERVICE_VERSION: string = servicePackage.version;
/** A URI naming the builder (in-toto / SLSA `builder.id`): the package's npm-style purl. */
export const SERVICE_PURL = `pkg:npm/${SERVICE_NAME}@${SERVICE_VERSION}`;
