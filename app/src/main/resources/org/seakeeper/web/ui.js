// Seakeeper's pages work without this script; it only adds: the live log (SSE), earlier parts of
// a long log fetched with Range and prepended, "/" to search, and the status page's refresh.
// Log text only ever becomes DOM text nodes (never innerHTML); ANSI colours become class names
// by the same rules as the server's Ansi.java.
(function () {
  'use strict';

  function Ansi() {
    this.bold = false; this.dim = false; this.italic = false; this.underline = false;
    this.fg = -1; this.bg = -1;
  }
  Ansi.prototype.reset = function () {
    this.bold = this.dim = this.italic = this.underline = false; this.fg = this.bg = -1;
  };
  Ansi.prototype.classes = function () {
    var c = [];
    if (this.bold) { c.push('a-b'); }
    if (this.dim) { c.push('a-d'); }
    if (this.italic) { c.push('a-i'); }
    if (this.underline) { c.push('a-u'); }
    if (this.fg >= 0) { c.push('a-f' + this.fg); }
    if (this.bg >= 0) { c.push('a-g' + this.bg); }
    return c.join(' ');
  };
  function num(s) {
    if (s === '') { return 0; }
    if (s.length > 3 || !/^[0-9]+$/.test(s)) { return -1; }
    return parseInt(s, 10);
  }
  Ansi.prototype.sgr = function (params) {
    var ps = params === '' ? ['0'] : params.split(/[;:]/);
    for (var k = 0; k < ps.length; k++) {
      var p = num(ps[k]);
      if (p === 0) { this.reset(); }
      else if (p === 1) { this.bold = true; }
      else if (p === 2) { this.dim = true; }
      else if (p === 3) { this.italic = true; }
      else if (p === 4) { this.underline = true; }
      else if (p === 22) { this.bold = this.dim = false; }
      else if (p === 23) { this.italic = false; }
      else if (p === 24) { this.underline = false; }
      else if (p === 39) { this.fg = -1; }
      else if (p === 49) { this.bg = -1; }
      else if (p === 38 || p === 48) {
        var colour = -1;
        if (k + 2 < ps.length && num(ps[k + 1]) === 5) {
          var v = num(ps[k + 2]); colour = v >= 0 && v < 16 ? v : -1; k += 2;
        } else if (k + 4 < ps.length && num(ps[k + 1]) === 2) { k += 4; }
        if (p === 38) { this.fg = colour; } else { this.bg = colour; }
      }
      else if (p >= 30 && p <= 37) { this.fg = p - 30; }
      else if (p >= 90 && p <= 97) { this.fg = p - 90 + 8; }
      else if (p >= 40 && p <= 47) { this.bg = p - 40; }
      else if (p >= 100 && p <= 107) { this.bg = p - 100 + 8; }
    }
  };
  function visible(ch) {
    var c = ch.charCodeAt(0);
    if (c === 9) { return ch; }
    if (c < 0x20) { return String.fromCharCode(0x2400 + c); }
    if (c === 0x7f) { return '\u2421'; }
    if (c >= 0x80 && c <= 0x9f) { return '\ufffd'; }
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      return '[U+' + c.toString(16).toUpperCase() + ']';
    }
    return ch;
  }
  // Appends the line's text to el as text nodes and spans.
  Ansi.prototype.render = function (s, el) {
    var text = '', self = this;
    function flush() {
      if (text === '') { return; }
      var cls = self.classes();
      if (cls === '') { el.appendChild(document.createTextNode(text)); }
      else { var sp = document.createElement('span'); sp.className = cls; sp.textContent = text; el.appendChild(sp); }
      text = '';
    }
    var i = 0, n = s.length, j;
    while (i < n) {
      var c = s.charCodeAt(i);
      if (c === 0x1b) {
        var next = i + 1 < n ? s.charAt(i + 1) : '';
        if (next === '[') {
          j = i + 2;
          while (j < n && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x3f) { j++; }
          while (j < n && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) { j++; }
          if (j < n && s.charCodeAt(j) >= 0x40 && s.charCodeAt(j) <= 0x7e) {
            if (s.charAt(j) === 'm') { flush(); this.sgr(s.substring(i + 2, j)); }
            i = j + 1; continue;
          }
          text += '\u241b'; i++; continue;
        }
        if (next === ']') {
          j = i + 2;
          while (j < n && s.charCodeAt(j) !== 7 && s.charCodeAt(j) !== 0x1b) { j++; }
          if (j < n) { i = s.charCodeAt(j) === 7 ? j + 1 : Math.min(n, j + 2); continue; }
          text += '\u241b'; i++; continue;
        }
        if (next !== '' && next.charCodeAt(0) >= 0x40 && next.charCodeAt(0) <= 0x5f) { i += 2; continue; }
        text += '\u241b'; i++; continue;
      }
      text += visible(s.charAt(i)); i++;
    }
    flush();
  };

  function lineElement(ansi, offset, text) {
    if (text.length > 0 && text.charAt(text.length - 1) === '\r') { text = text.substring(0, text.length - 1); }
    var l = document.createElement('span');
    l.className = 'l'; l.id = 'o' + offset;
    var a = document.createElement('a');
    a.className = 'n'; a.href = '?from=' + offset + '#o' + offset;
    a.tabIndex = -1; a.setAttribute('aria-hidden', 'true');
    l.appendChild(a);
    ansi.render(text, l);
    l.appendChild(document.createTextNode('\n'));
    return l;
  }

  var log = document.getElementById('log');
  if (log) {
    var atEnd = function () { return log.scrollHeight - log.scrollTop - log.clientHeight < 40; };
    if (!location.hash) { log.scrollTop = log.scrollHeight; }
    var found = location.hash && document.getElementById(location.hash.substring(1));
    if (found) { found.classList.add('target'); }

    // The live log: lines after the window, then the final status.
    if (log.dataset.stream && window.EventSource) {
      var status = document.getElementById('status');
      var liveAnsi = new Ansi();
      var offset = Number(log.dataset.end);
      var es = new EventSource(log.dataset.stream);
      es.addEventListener('line', function (e) {
        var follow = atEnd();
        log.appendChild(lineElement(liveAnsi, offset, e.data));
        offset = Number(e.lastEventId) || offset;
        log.dataset.end = String(offset);
        if (follow) { log.scrollTop = log.scrollHeight; }
      });
      es.addEventListener('end', function (e) {
        status.textContent = e.data; status.className = 'status ' + e.data; es.close();
        var live = document.getElementById('live');
        if (live) { live.textContent = 'The build ended: ' + e.data + '.'; }
      });
    }

    // Earlier parts of a long log: fetched with Range, prepended, the view kept where it was.
    var earlier = document.getElementById('log-earlier');
    var rawUrl = log.dataset.raw;
    var windowBytes = Number(log.dataset.window);
    if (earlier && rawUrl && window.fetch && window.TextDecoder) {
      earlier.addEventListener('click', function (ev) {
        ev.preventDefault();
        var start = Number(log.dataset.start);
        if (start <= 0) { return; }
        var from = Math.max(0, start - windowBytes);
        earlier.setAttribute('aria-busy', 'true');
        fetch(rawUrl, { headers: { Range: 'bytes=' + from + '-' + (start - 1) } })
          .then(function (r) {
            if (r.status !== 206 && r.status !== 200) { throw new Error('HTTP ' + r.status); }
            return r.arrayBuffer();
          })
          .then(function (buf) {
            var bytes = new Uint8Array(buf), s = 0;
            if (from > 0) {
              s = bytes.indexOf(10) + 1;
              if (s <= 0) { s = 0; }
            }
            var end = bytes.length;
            if (end > 0 && bytes[end - 1] === 10) { end--; }
            var decoder = new TextDecoder('utf-8'), ansi = new Ansi();
            var frag = document.createDocumentFragment(), p = s, count = 0;
            while (p <= end) {
              var nl = bytes.indexOf(10, p);
              var stop = nl < 0 || nl > end ? end : nl;
              frag.appendChild(lineElement(ansi, from + p, decoder.decode(bytes.subarray(p, stop))));
              count++;
              p = stop + 1;
            }
            var before = log.scrollHeight;
            log.insertBefore(frag, log.firstChild);
            log.scrollTop += log.scrollHeight - before;
            log.dataset.start = String(from + s);
            if (from + s <= 0) { log.classList.remove('far'); earlier.hidden = true; }
            earlier.removeAttribute('aria-busy');
            var said = document.getElementById('log-note');
            if (said) { said.textContent = 'Showing the log from byte ' + (from + s) + '.'; }
          })
          .catch(function (e) {
            earlier.removeAttribute('aria-busy');
            earlier.textContent = 'Could not load earlier lines (' + e.message + '); try again';
          });
      });
    }
  }

  // "/" jumps to the log search, as on many sites.
  var search = document.getElementById('log-search');
  if (search) {
    document.addEventListener('keydown', function (e) {
      var t = e.target && e.target.tagName;
      if (e.key === '/' && t !== 'INPUT' && t !== 'TEXTAREA' && t !== 'SELECT') {
        e.preventDefault(); search.focus();
      }
    });
  }

  // The status page refreshes its content in place every few seconds.
  var live = document.querySelector('main[data-refresh]');
  if (live && window.fetch && window.DOMParser) {
    var every = Number(live.dataset.refresh) * 1000;
    var tick = function () {
      if (document.hidden) { setTimeout(tick, every); return; }
      fetch(location.href, { headers: { Accept: 'text/html' } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var fresh = doc.querySelector('main[data-refresh]');
          var focused = document.activeElement && document.activeElement.id;
          if (fresh) {
            live.replaceChildren.apply(live, Array.prototype.slice.call(fresh.childNodes));
            if (focused) { var f = document.getElementById(focused); if (f) { f.focus(); } }
          }
        })
        .catch(function () {})
        .then(function () { setTimeout(tick, every); });
    };
    setTimeout(tick, every);
  }
})();
