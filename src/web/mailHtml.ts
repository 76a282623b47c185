import sanitizeHtml from 'sanitize-html';

/**
 * Customer HTML mail, made harmless to show inside a staff member's signed-in page: no script,
 * no event handlers, no forms, no frames, no styles that could cover the page, links that open
 * elsewhere without a referrer, and (by default) no remote images: they would tell the sender
 * when and where the mail was read. Images are replaced by their alt text.
 */
export function sanitiseMailHtml(html: string, opts: { remoteImages: boolean }): string {
  return sanitizeHtml(html, {
    allowedTags: [
      'a',
      'abbr',
      'b',
      'blockquote',
      'br',
      'caption',
      'code',
      'div',
      'em',
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'hr',
      'i',
      'li',
      'ol',
      'p',
      'pre',
      's',
      'small',
      'span',
      'strong',
      'sub',
      'sup',
      'table',
      'tbody',
      'td',
      'tfoot',
      'th',
      'thead',
      'tr',
      'u',
      'ul',
      'img',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: opts.remoteImages ? ['https'] : [] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'iframe', 'object'],
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' },
      }),
      img: (tagName, attribs) =>
        opts.remoteImages && /^https:\/\//i.test(attribs.src ?? '')
          ? { tagName, attribs }
          : { tagName: 'span', attribs: { class: 'img-blocked' }, text: attribs.alt ? `[${attribs.alt}]` : '[img]' },
    },
    allowedClasses: { span: ['img-blocked'] },
  });
}
