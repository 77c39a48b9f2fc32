/**
 * Readable titles for the codes a dataset publishes (`life_sciences` -> "Life sciences"). A spec may
 * give its own titles per dimension (`valueTitles`); otherwise the code is spelled out, with the
 * few names and abbreviations that plain capitalization would get wrong listed here.
 */
import type { DimensionSpec } from './dataset-spec';

/** Codes whose title is not their words capitalized: product names, protocols, abbreviations. */
const KNOWN_TITLES: Record<string, string> = {
  sftp: 'SFTP',
  ftps: 'FTPS',
  ftp: 'FTP',
  https_web: 'HTTPS (web)',
  api: 'API',
  as2: 'AS2',
  smb: 'SMB',
  email_link: 'Email link',
  openai: 'OpenAI',
  huggingface: 'Hugging Face',
  aws_bedrock: 'AWS Bedrock',
  mfa: 'MFA',
  sso: 'SSO',
  dlp_scan: 'DLP scan',
  ip_allowlist: 'IP allowlist',
  ai_generated_document: 'AI-generated document',
  ai_generated_code: 'AI-generated code',
  cross_organization: 'Cross-organization',
  within_organization: 'Within the organization',
  AF: 'Africa',
  AN: 'Antarctica',
  AS: 'Asia',
  EU: 'Europe',
  NA: 'North America',
  OC: 'Oceania',
  SA: 'South America',
};

const ABBREVIATIONS = new Set(['ai', 'api', 'mfa', 'sso', 'dlp', 'ip', 'url', 'id']);

/** `life_sciences` -> "Life sciences", `no_mfa` -> "No MFA", `1000-4999` stays as it is. */
export function spellOutCode(code: string): string {
  const known = KNOWN_TITLES[code];
  if (known) return known;
  const words = code.split('_').filter((word) => word.length > 0);
  if (words.length === 0) return code;
  return words
    .map((word, index) => {
      if (ABBREVIATIONS.has(word)) return word.toUpperCase();
      return index === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word;
    })
    .join(' ');
}

export function valueTitle(dimension: DimensionSpec, value: string): string {
  return dimension.valueTitles?.[value] ?? spellOutCode(value);
}
