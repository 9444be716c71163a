import QRCode from 'qrcode';

/**
 * The enrolment QR code as SVG markup, drawn on the server: no script and no
 * image request, so it works without JavaScript and under the strict CSP.
 * The page shows the secret as text beside it for people who cannot scan.
 */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
    color: { dark: '#000000', light: '#ffffff' },
  });
}
