/**
 * Phone numbers are stored in E.164 (CD-5). A number typed with a leading + or 00 is taken as international;
 * a national number is converted with the record's country. Shared by the web app (live hint) and functions.
 */
const CALLING_CODES: Record<string, string> = {
  CN: '86', HK: '852', MO: '853', TW: '886', SG: '65', MY: '60', JP: '81', KR: '82', IN: '91', ID: '62',
  TH: '66', VN: '84', PH: '63', AU: '61', NZ: '64', US: '1', CA: '1', MX: '52', BR: '55', AR: '54',
  GB: '44', IE: '353', DE: '49', FR: '33', ES: '34', IT: '39', NL: '31', BE: '32', CH: '41', AT: '43',
  SE: '46', NO: '47', DK: '45', FI: '358', PL: '48', PT: '351', RU: '7', TR: '90', AE: '971', SA: '966',
  IL: '972', ZA: '27', EG: '20', NG: '234', KE: '254',
};

/** E.164 form, or undefined when the input cannot be converted. */
export function toE164(input: string, country?: string): string | undefined {
  const trimmed = input.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return undefined;
  let digits = trimmed.replace(/[^\d]/g, '');
  if (trimmed.startsWith('+')) {
    /* already international */
  } else if (digits.startsWith('00')) {
    digits = digits.slice(2);
  } else {
    const code = country ? CALLING_CODES[country] : undefined;
    if (!code) return undefined;
    // National trunk prefix 0 (e.g. 010 Beijing, 020 London) is dropped; NANP numbers may carry a leading 1.
    let national = digits.replace(/^0+/, '');
    if (code === '1' && national.length === 11 && national.startsWith('1')) national = national.slice(1);
    digits = code + national;
  }
  if (!/^[1-9]\d{7,14}$/.test(digits)) return undefined;
  return `+${digits}`;
}

/** Digits a person might type to find the number: the full E.164 digits and the national part. */
export function phoneSearchTokens(e164: string): string[] {
  const digits = e164.replace(/^\+/, '');
  const code = Object.values(CALLING_CODES)
    .filter((c) => digits.startsWith(c))
    .sort((a, b) => b.length - a.length)[0];
  return code ? [digits, digits.slice(code.length)] : [digits];
}
