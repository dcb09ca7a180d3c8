/** A tiny corpus in the SpamAssassin layout, with the encodings that trip naive parsers. */
export function tinyCorpus(): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = {};
  const hamWords = ['meeting', 'agenda', 'patch', 'kernel', 'review', 'lunch', 'project', 'release'];
  const spamWords = ['free', 'money', 'viagra', 'winner', 'click', 'offer', 'cash', 'prize'];
  for (let i = 0; i < 30; i++) {
    const w = (list: string[], k: number) => list[(i * 3 + k) % list.length];
    files[`easy-ham-1/${String(i).padStart(5, '0')}.txt`] =
      `From: dev${i}@example.org\nSubject: ${w(hamWords, 0)} notes\n\nThe ${w(hamWords, 1)} and ${w(hamWords, 2)} are ready.\n`;
    files[`spam-1/${String(i).padStart(5, '0')}.txt`] =
      `From: promo${i}@example.com\nSubject: ${w(spamWords, 0)} ${w(spamWords, 1)}!\nContent-Type: text/html\n\n<b>${w(spamWords, 2)}</b> ${w(spamWords, 3)} now &amp; get ${w(spamWords, 4)}\n`;
  }
  // Quoted-printable latin-1, base64 multipart, an unknown charset, raw 8-bit bytes, an RFC 2047 subject.
  files['spam-2/qp.txt'] = 'Subject: =?iso-8859-1?Q?Gratuit_=E9t=E9?=\nContent-Type: text/plain; charset=iso-8859-1\n'
    + 'Content-Transfer-Encoding: quoted-printable\n\nGagnez de l=27argent=20gratuit =E9t=E9 free money\n';
  files['spam-2/b64.txt'] = 'Subject: offer\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="XX"\n\n--XX\n'
    + 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n'
    + Buffer.from('cash prize winner click').toString('base64') + '\n--XX--\n';
  files['hard-ham-1/badcharset.txt'] = 'Subject: kernel\nContent-Type: text/plain; charset=x-no-such-charset\n\npatch review\n';
  files['hard-ham-1/raw8bit.txt'] = Buffer.concat([Buffer.from('Subject: lunch\n\nagenda '), Buffer.from([0xff, 0xfe, 0xe9]), Buffer.from(' release\n')]);
  files['hard-ham-1/broken-header.txt'] = 'Subject: =?bogus?X?zzz?=\n\nmeeting project\n';
  return files;
}
