import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText, declaredCharset } from '../../src/content/decode-text.js';

const text = 'Привет, мир — Ελληνικά';

describe('decodeText', () => {
  it('honours the BOM over a wrong header', () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('<?xml version="1.0"?><rss/>', 'utf-16le')]);
    expect(declaredCharset(body, 'text/xml; charset=iso-8859-1')).toBe('utf-16le');
    expect(decodeText(body, 'text/xml; charset=iso-8859-1')).toContain('<rss/>');
  });

  it('decodes iso-8859-5 and iso-8859-7 declared in the XML prolog', () => {
    const cyr = iconv.encode('<?xml version="1.0" encoding="ISO-8859-5"?><t>Привет</t>', 'iso-8859-5');
    expect(decodeText(cyr)).toContain('Привет');
    const greek = iconv.encode('<?xml version="1.0" encoding="iso-8859-7"?><t>Ελληνικά</t>', 'iso-8859-7');
    expect(decodeText(greek, 'application/xml')).toContain('Ελληνικά');
  });

  it('keeps valid UTF-8 when the header claims a single-byte charset', () => {
    expect(decodeText(Buffer.from(`<t>${text}</t>`), 'text/xml; charset=koi8-r')).toBe(`<t>${text}</t>`);
  });

  it('falls back to windows-1252 for undeclared bytes that are not UTF-8', () => {
    expect(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café');
  });
});
