import helmet from 'helmet';

/**
 * helmet's headers with a Content-Security-Policy that admits no inline script and nothing from elsewhere: the web
 * app is all same-origin files, so injected markup can neither run script nor load from or post to another host.
 * Inline `style` attributes stay refused too; Leaflet and Preact set styles through the DOM, which CSP allows.
 */
export const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'blob:', 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  crossOriginEmbedderPolicy: false,
  referrerPolicy: { policy: 'no-referrer' },
});
