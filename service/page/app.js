// uaposd support page. Plain JavaScript, no build step, no library: it calls only the
// service that served it (relative URLs), with the token from sessionStorage as Bearer.
'use strict';

(() => {
  const T = JSON.parse(document.getElementById('i18n').textContent);
  const LANG = document.documentElement.lang;
  const $ = (sel, el = document) => el.querySelector(sel);
  const tr = (key, ...args) => {
    let s = T[key] !== undefined ? T[key] : key;
    args.forEach((a, i) => { s = s.replace('{' + i + '}', a); });
    return s;
  };
  const TOKEN_KEY = 'uaposd-token';
  let token = sessionStorage.getItem(TOKEN_KEY) || '';

  // ---- formats: hryvnias with a comma, dates as DD.MM.YYYY HH:MM ----

  function money(s) {
    if (s === undefined || s === null || s === '') return '';
    let v = String(s);
    let sign = '';
    if (v.startsWith('-')) { sign = '-'; v = v.slice(1); }
    const parts = v.split('.');
    const whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
    const frac = ((parts[1] || '') + '00').slice(0, 2);
    return sign + whole + ',' + frac + '\u00a0₴';
  }

  const pad = (n) => String(n).padStart(2, '0');
  function when(iso) {
    const d = new Date(iso);
    if (!iso || isNaN(d.getTime()) || d.getFullYear() < 2000) return '';
    return pad(d.getDate()) + '.' + pad(d.getMonth() + 1) + '.' + d.getFullYear() + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  const isoDate = (d) => d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());

  // ---- the API ----

  class APIError extends Error {
    constructor(info, result) {
      super(info ? info.message : 'error');
      this.info = info || {};
      this.result = result;
    }
  }

  let tokenAsked = null;
  function askToken() {
    if (tokenAsked) return tokenAsked;
    const dlg = $('#token-dialog');
    const form = $('form', dlg);
    tokenAsked = new Promise((resolve) => {
      const done = () => {
        tokenAsked = null;
        resolve();
      };
      form.onsubmit = (ev) => {
        ev.preventDefault();
        token = form.elements.token.value.trim();
        sessionStorage.setItem(TOKEN_KEY, token);
        form.reset();
        dlg.onclose = null;
        dlg.close();
        done();
      };
      // Closed without a token (Esc): the calls go on, and ask again if they must.
      dlg.onclose = done;
      dlg.showModal();
    });
    return tokenAsked;
  }

  function headers(json) {
    const h = {};
    if (token) h.Authorization = 'Bearer ' + token;
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }

  async function send(method, path, body) {
    for (;;) {
      const init = { method, headers: headers(body !== undefined), cache: 'no-store' };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const r = await fetch(path, init);
      if (r.status === 401) {
        await askToken();
        continue;
      }
      return r;
    }
  }

  async function api(method, path, body) {
    const r = await send(method, path, body);
    let data = {};
    try { data = await r.json(); } catch (e) { /* an empty or non-JSON body */ }
    if (!r.ok) throw new APIError(data.error || { message: r.status + ' ' + r.statusText }, data.result);
    return data;
  }

  async function blob(method, path, body) {
    const r = await send(method, path, body);
    if (!r.ok) {
      let data = {};
      try { data = await r.json(); } catch (e) { /* not JSON */ }
      throw new APIError(data.error || { message: r.status + ' ' + r.statusText });
    }
    return { blob: await r.blob(), headers: r.headers };
  }

  // errorText is a failure as the page shows it: the DM code, the text, and the advice.
  function errorNode(err) {
    const info = err.info || { message: String(err.message || err) };
    const box = document.createElement('div');
    box.className = 'err';
    const p = document.createElement('p');
    const text = LANG === 'uk' ? (info.text || info.message) : (info.message || info.text);
    p.textContent = (info.code ? tr('err.code', info.code) + ': ' : '') + text;
    box.append(p);
    const adv = LANG === 'uk' ? (info.advice_uk || info.advice) : (info.advice || info.advice_uk);
    if (adv) {
      const a = document.createElement('p');
      a.className = 'advice';
      a.textContent = tr('err.advice') + ': ' + adv;
      box.append(a);
    }
    return box;
  }

  // show puts a result in an output: state is 'running', 'ok' or 'bad' (also its data-state).
  function show(out, state, content) {
    out.replaceChildren();
    out.className = 'result ' + state;
    out.dataset.state = state;
    if (typeof content === 'string') {
      const p = document.createElement('p');
      p.textContent = content;
      out.append(p);
    } else if (content) {
      out.append(content);
    }
  }

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
    }
    e.append(...kids.filter((k) => k !== null && k !== undefined));
    return e;
  }

  function confirmDialog(text) {
    const dlg = $('#confirm-dialog');
    const form = $('form', dlg);
    $('#confirm-text').textContent = text;
    return new Promise((resolve) => {
      form.onsubmit = (ev) => {
        ev.preventDefault();
        dlg.close();
        resolve(ev.submitter && ev.submitter.value === 'ok');
      };
      dlg.oncancel = () => resolve(false);
      dlg.showModal();
    });
  }

  // ---- devices ----

  const devices = new Map(); // name -> {view, card}

  const stateClass = {
    idle: 'good', ready: 'good', closed: 'good',
    busy: 'busy', open: 'warn', 'paper-near-end': 'warn',
    unreachable: 'bad', offline: 'bad', 'paper-out': 'bad', 'cover-open': 'bad', error: 'bad',
    unknown: 'unknown',
  };

  function deviceMeta(v) {
    const bits = [];
    if (v.kind === 'terminal') bits.push(v.protocol, v.bank);
    if (v.kind === 'printer') bits.push(tr('dev.profile') + ' ' + v.profile);
    if (v.kind === 'drawer') bits.push(tr('dev.on') + ' ' + v.printer);
    if (v.url) bits.push(v.url);
    return bits.filter(Boolean).join(' · ');
  }

  function button(label, act, extra) {
    return el('button', Object.assign({ type: 'button', 'data-act': act }, extra || {}), label);
  }

  function deviceCard(v) {
    const out = el('output', { class: 'result', 'aria-live': 'polite' });
    const badge = el('span', { class: 'badge unknown', 'data-role': 'state', text: tr('state.unknown') });
    const detail = el('div', { class: 'state-detail', 'data-role': 'detail' });
    const actions = el('div', { class: 'actions' });
    if (v.kind === 'terminal') {
      const svc = new Set(v.services || []);
      const tasks = new Set(v.tasks || []);
      if (svc.has('ping')) actions.append(button(tr('act.ping'), 'ping'));
      if (svc.has('merchants')) actions.append(button(tr('act.merchants'), 'merchants'));
      if (svc.has('bank-echo')) actions.append(button(tr('act.echo'), 'bank-echo'));
      if (svc.has('last-transaction')) actions.append(button(tr('act.last'), 'last-transaction'));
      if (tasks.has(10)) actions.append(button(tr('act.xreport'), 'x-report'));
    } else if (v.kind === 'printer') {
      actions.append(button(tr('act.testpage'), 'test-page'), button(tr('act.preview'), 'preview'));
    } else if (v.kind === 'drawer') {
      actions.append(button(tr('act.open'), 'open'));
    }
    const card = el('article', { class: 'device', 'data-name': v.name, 'data-kind': v.kind, 'aria-labelledby': 'dev-' + v.name },
      el('header', {},
        el('h3', { id: 'dev-' + v.name }, el('span', { class: 'kind', text: tr('kind.' + v.kind) }), ' ', v.name),
        badge),
      el('p', { class: 'meta', text: deviceMeta(v) }),
      detail, actions, out);
    actions.addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-act]');
      if (b) runAction(v, b, out);
    });
    return card;
  }

  function setState(st) {
    const d = devices.get(st.name);
    if (!d) return;
    const badge = $('[data-role=state]', d.card);
    const key = 'state.' + st.state;
    badge.textContent = T[key] !== undefined ? T[key] : st.state;
    badge.className = 'badge ' + (stateClass[st.state] || 'unknown');
    d.card.dataset.state = st.state;
    const detail = $('[data-role=detail]', d.card);
    detail.replaceChildren();
    if (st.error) detail.append(errorNode({ info: st.error }));
    if (st.kind === 'printer' && st.printer_status && st.printer_status.text && st.state !== 'ready') {
      detail.append(el('p', { class: 'hint', text: st.printer_status.text }));
    }
    if (st.kind === 'printer' && typeof st.pages === 'number' && d.pages !== st.pages) {
      d.pages = st.pages;
      loadRoll(st.name);
    }
  }

  async function runAction(v, b, out) {
    const name = encodeURIComponent(v.name);
    const busy = (on) => { b.disabled = on; b.setAttribute('aria-busy', on ? 'true' : 'false'); };
    if (b.dataset.act === 'preview') {
      const sel = $('#preview-form select');
      sel.value = v.name;
      $('#preview-form textarea').focus();
      return;
    }
    if (b.dataset.act === 'x-report' && !(await confirmDialog(tr('confirm.xreport', v.name)))) return;
    busy(true);
    show(out, 'running', tr('running'));
    try {
      switch (b.dataset.act) {
        case 'ping':
          await api('GET', '/v1/terminals/' + name + '/ping');
          show(out, 'ok', tr('res.ping'));
          break;
        case 'bank-echo':
          await api('GET', '/v1/terminals/' + name + '/bank-echo');
          show(out, 'ok', tr('res.echo'));
          break;
        case 'merchants': {
          const r = await api('GET', '/v1/terminals/' + name + '/merchants');
          const list = el('ul', {});
          for (const m of r.merchants || []) {
            list.append(el('li', { text: [m.index, m.name, m.merchant_id, m.terminal_id].filter(Boolean).join(' · ') }));
          }
          show(out, 'ok', el('div', {}, el('p', { text: tr('res.merchants', (r.merchants || []).length) }), list));
          break;
        }
        case 'last-transaction': {
          const r = await api('GET', '/v1/terminals/' + name + '/last-transaction');
          show(out, 'ok', resultSummary(r.result));
          break;
        }
        case 'x-report': {
          const r = await api('POST', '/v1/terminals/' + name + '/x-report');
          show(out, 'ok', reportSummary(r.result));
          break;
        }
        case 'test-page': {
          const r = await api('POST', '/v1/printers/' + name + '/test-page');
          const slot = r.slot >= 0 ? ' (ESC t ' + r.slot + ')' : '';
          show(out, 'ok', tr('res.testpage', r.profile + (r.model ? ' — ' + r.model : ''), r.charset + slot) +
            (r.inexact ? ' ' + tr('res.inexact', r.inexact) : ''));
          loadRoll(v.name);
          break;
        }
        case 'open': {
          const r = await api('POST', '/v1/drawers/' + name + '/open');
          show(out, 'ok', r.open === true ? tr('res.opened') : tr('res.kicked'));
          if (r.open === true || r.open === false) setState({ name: v.name, kind: 'drawer', state: r.open ? 'open' : 'closed' });
          break;
        }
      }
    } catch (err) {
      show(out, 'bad', errorNode(err));
    } finally {
      busy(false);
    }
  }

  function resultSummary(res) {
    if (!res) return tr('res.none');
    const bits = [tr('op.' + res.operation), money(res.amount), res.approved ? tr('tx.approved') : tr('tx.declined')];
    if (res.rrn) bits.push('RRN ' + res.rrn);
    if (res.pan) bits.push(res.pan);
    if (res.time) bits.push(when(res.time));
    return bits.filter(Boolean).join(' · ');
  }

  function reportSummary(res) {
    if (!res) return tr('res.none');
    const box = el('div', {}, el('p', { text: tr('res.xreport') }));
    const t = res.totals;
    if (t) {
      box.append(el('p', { text: tr('res.totals', t.purchase_count || 0, money(t.purchase_amount || '0'), t.refund_count || 0, money(t.refund_amount || '0')) }));
    }
    if (res.receipt) box.append(el('pre', { class: 'slip', text: res.receipt }));
    return box;
  }

  async function loadDevices() {
    const msg = $('#devices-msg');
    try {
      const r = await api('GET', '/v1/devices');
      const list = $('#device-list');
      list.replaceChildren();
      devices.clear();
      const sel = $('#preview-form select');
      sel.replaceChildren();
      for (const v of r.devices) {
        const card = deviceCard(v);
        devices.set(v.name, { view: v, card });
        list.append(card);
        if (v.kind === 'printer') sel.append(el('option', { value: v.name, text: v.name }));
      }
      msg.textContent = r.devices.length ? '' : tr('devices.none');
      msg.hidden = r.devices.length > 0;
      buildRolls();
      return true;
    } catch (err) {
      msg.replaceChildren(errorNode(err));
      return false;
    }
  }

  // ---- live status: Server-Sent Events read through fetch (EventSource cannot send the token) ----

  function setLive(state) {
    const l = $('#live');
    l.dataset.state = state;
    l.textContent = tr('live.' + state);
  }

  function onEvent(name, data) {
    if (name === 'device') setState(data);
    if (name === 'journal') transactionsSoon();
  }

  async function stream() {
    for (;;) {
      try {
        setLive('connecting');
        const r = await send('GET', '/v1/events');
        if (!r.ok) throw new Error(String(r.status));
        setLive('live');
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let ev = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) ev = line.slice(6).trim();
              else if (line.startsWith('data:')) data += line.slice(5).trim();
            }
            if (data) {
              try { onEvent(ev, JSON.parse(data)); } catch (e) { /* a malformed event is skipped */ }
            }
          }
        }
      } catch (e) { /* the stream ended: reconnect below */ }
      setLive('lost');
      await new Promise((res) => setTimeout(res, 3000));
    }
  }

  // ---- transactions ----

  function parseAmount(s) {
    const v = s.replace(/[\s\u00a0₴]|грн\.?|uah/gi, '').replace(',', '.');
    return /^\d+(\.\d{1,2})?$/.test(v) ? v : null;
  }

  function parseDate(s) {
    let m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s.trim());
    if (m) return m[3] + '-' + pad(m[2]) + '-' + pad(m[1]);
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
    return m ? s.trim() : null;
  }

  function txQuery() {
    const f = $('#tx-search').elements;
    const q = new URLSearchParams();
    const since = new Date();
    since.setDate(since.getDate() - 90);
    q.set('from', isoDate(since));
    q.set('limit', '300');
    const id = f.transaction_id.value.trim();
    const rrn = f.rrn.value.trim();
    if (id) q.set('transaction_id', id);
    if (rrn) q.set('rrn', rrn);
    if (f.amount.value.trim()) {
      const a = parseAmount(f.amount.value);
      if (!a) throw new Error(tr('tx.bad.amount'));
      q.set('amount', a);
    }
    if (f.date.value.trim()) {
      const d = parseDate(f.date.value);
      if (!d) throw new Error(tr('tx.bad.date'));
      q.set('from', d);
      q.set('to', d);
    }
    return q;
  }

  function txState(t) {
    const s = el('span', { class: 'tx-state ' + t.state, text: tr('tx.' + t.state) });
    if (t.refs && t.refs.ask_bank) s.title = t.refs.ask_bank;
    return s;
  }

  // txNote is what a row says under its state: why it failed or was declined, why only the
  // bank can settle it, who settled it by hand.
  function txNote(t) {
    const refs = t.refs || {};
    let text = '';
    if (refs.settled_by) text = tr('tx.settledby', refs.settled_by, refs.settled_why || '');
    else if (refs.ask_bank) text = tr('tx.askbank') + ': ' + refs.ask_bank;
    else if (t.error && (t.state === 'declined' || t.state === 'failed')) text = LANG === 'uk' ? t.error.text : t.error.message;
    return text ? el('div', { class: 'hint', text }) : null;
  }

  function txRow(t) {
    const res = t.result || {};
    const req = t.request || {};
    const tr_ = el('tr', { class: 'tx ' + t.state, 'data-id': t.transaction_id },
      el('td', { class: 'when', text: when(t.started) }),
      el('td', { text: t.device }),
      el('td', { text: tr('op.' + t.task) }),
      el('td', { class: 'num', text: money(res.amount || req.amount) }),
      el('td', {}, txState(t), txNote(t)),
      el('td', { class: 'mono', text: res.rrn || '' }),
      el('td', { class: 'mono', text: res.pan || '' }),
      el('td', { class: 'mono', text: t.transaction_id }));
    return tr_;
  }

  function pendingRow(t) {
    const req = t.request || {};
    const out = el('output', { class: 'result', 'aria-live': 'polite' });
    const check = el('button', { type: 'button', 'data-act': 'check', text: tr('tx.check') });
    const settle = el('button', { type: 'button', 'data-act': 'settle', class: 'danger', text: tr('tx.settle') });
    check.addEventListener('click', async () => {
      check.disabled = true;
      show(out, 'running', tr('running'));
      try {
        const r = await api('POST', '/v1/transactions/' + encodeURIComponent(t.transaction_id) + '/reconcile');
        show(out, r.state === 'unknown' ? 'bad' : 'ok', tr('tx.now', tr('tx.' + r.state)) + (r.refs && r.refs.ask_bank ? ' — ' + tr('tx.askbank') : ''));
        loadTransactions();
      } catch (err) {
        show(out, 'bad', errorNode(err));
      } finally {
        check.disabled = false;
      }
    });
    settle.addEventListener('click', () => settleDialog(t, out));
    return el('tr', { class: 'tx ' + t.state, 'data-id': t.transaction_id },
      el('td', { class: 'when', text: when(t.started) }),
      el('td', { text: t.device }),
      el('td', { text: tr('op.' + t.task) }),
      el('td', { class: 'num', text: money(req.amount) }),
      el('td', {}, txState(t), txNote(t)),
      el('td', { class: 'mono', text: t.transaction_id }),
      el('td', { class: 'actions' }, check, ' ', settle, out));
  }

  function settleDialog(t, out) {
    const dlg = $('#settle-dialog');
    const form = $('form', dlg);
    form.reset();
    $('#settle-what').textContent = tr('settle.what', t.transaction_id, money((t.request || {}).amount), t.device, when(t.started));
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      if (!ev.submitter || ev.submitter.value !== 'ok') {
        dlg.close();
        return;
      }
      const f = form.elements;
      const body = { outcome: f.outcome.value, rrn: f.rrn.value.trim(), by: f.by.value.trim(), why: f.why.value.trim() };
      dlg.close();
      show(out, 'running', tr('running'));
      try {
        const r = await api('POST', '/v1/transactions/' + encodeURIComponent(t.transaction_id) + '/settle', body);
        show(out, 'ok', tr('tx.now', tr('tx.' + r.state)));
        loadTransactions();
      } catch (err) {
        show(out, 'bad', errorNode(err));
      }
    };
    dlg.showModal();
  }

  // transactionsSoon reloads the transactions once for a burst of journal events.
  let txTimer = null;
  function transactionsSoon() {
    if (txTimer) return;
    txTimer = setTimeout(() => { txTimer = null; loadTransactions(); }, 300);
  }

  let txSeq = 0;
  async function loadTransactions() {
    const seq = ++txSeq;
    const msg = $('#tx-msg');
    let q;
    try {
      q = txQuery();
    } catch (err) {
      msg.textContent = err.message;
      return;
    }
    try {
      const since = new Date();
      since.setDate(since.getDate() - 90);
      const pq = new URLSearchParams({ from: isoDate(since), state: 'unknown' });
      pq.append('state', 'intent');
      const [all, pending] = await Promise.all([
        api('GET', '/v1/transactions?' + q.toString()),
        api('GET', '/v1/transactions?' + pq.toString()),
      ]);
      if (seq !== txSeq) return;
      const pbox = $('#tx-pending');
      const pbody = $('tbody', pbox);
      pbody.replaceChildren(...pending.transactions.map(pendingRow));
      pbox.hidden = pending.transactions.length === 0;
      const body = $('#tx-table tbody');
      const rows = all.transactions.slice().sort((a, b) => (b.state === 'unknown') - (a.state === 'unknown'));
      body.replaceChildren(...rows.map(txRow));
      msg.textContent = rows.length ? tr('tx.count', rows.length) : tr('tx.none');
    } catch (err) {
      msg.replaceChildren(errorNode(err));
    }
  }

  // ---- receipts ----

  const PAGES_SHOWN = 8;
  const objectURLs = new Map(); // printer -> [url]

  function buildRolls() {
    const rolls = $('#rolls');
    rolls.replaceChildren();
    for (const [name, d] of devices) {
      if (d.view.kind !== 'printer') continue;
      rolls.append(el('section', { class: 'roll', 'data-printer': name, 'aria-labelledby': 'roll-' + name },
        el('h3', { id: 'roll-' + name, text: tr('roll.title', name) }),
        el('p', { class: 'hint', 'data-role': 'roll-msg', text: tr('loading') }),
        el('ol', { class: 'pages', reversed: true })));
      loadRoll(name);
    }
  }

  const rollLoads = new Map();
  async function loadRoll(name) {
    const seq = (rollLoads.get(name) || 0) + 1;
    rollLoads.set(name, seq);
    const box = $('.roll[data-printer="' + CSS.escape(name) + '"]');
    if (!box) return;
    const msg = $('[data-role=roll-msg]', box);
    const list = $('ol', box);
    try {
      const r = await api('GET', '/v1/printers/' + encodeURIComponent(name) + '/receipts');
      if (!r.simulated) {
        msg.textContent = tr('roll.real');
        list.replaceChildren();
        return;
      }
      msg.textContent = r.count ? tr('roll.count', r.count) : tr('roll.none');
      const items = [];
      const urls = [];
      for (let i = r.count - 1; i >= Math.max(0, r.count - PAGES_SHOWN); i--) {
        const img = await blob('GET', '/v1/printers/' + encodeURIComponent(name) + '/receipts/' + i);
        if (rollLoads.get(name) !== seq) {
          urls.forEach((u) => URL.revokeObjectURL(u));
          return; // a newer load runs
        }
        const url = URL.createObjectURL(img.blob);
        urls.push(url);
        items.push(el('li', { 'data-index': i },
          el('figure', {},
            el('img', { src: url, alt: tr('roll.page', i + 1), loading: 'lazy' }),
            el('figcaption', { text: tr('roll.page', i + 1) }))));
      }
      (objectURLs.get(name) || []).forEach((u) => URL.revokeObjectURL(u));
      objectURLs.set(name, urls);
      list.setAttribute('start', r.count);
      list.replaceChildren(...items);
    } catch (err) {
      msg.replaceChildren(errorNode(err));
    }
  }

  // ---- preview ----

  const SAMPLE = {
    blocks: [
      { type: 'text', text: 'КАВ\'ЯРНЯ «ЗЕРНО»', align: 'center', bold: true },
      { type: 'text', text: 'м. Київ, вул. Хрещатик, 1', align: 'center' },
      { type: 'rule' },
      { type: 'columns', left: 'Кава лате 2 x 55,00', right: '110,00' },
      { type: 'columns', left: 'Круасан', right: '42,50' },
      { type: 'rule' },
      { type: 'columns', left: 'СУМА', right: '152,50 грн', bold: true },
      { type: 'text', text: 'Дякуємо! Ґречно просимо ще.', align: 'center' },
      { type: 'qr', data: 'https://cabinet.tax.gov.ua/cashregs/check', align: 'center' },
      { type: 'cut' },
    ],
  };

  let previewURL = null;
  function setupPreview() {
    const form = $('#preview-form');
    form.elements.doc.value = JSON.stringify(SAMPLE, null, 1);
    const out = $('#preview-out');
    const docText = () => {
      try {
        JSON.parse(form.elements.doc.value);
      } catch (e) {
        throw new APIError({ code: 2000, message: tr('preview.bad') + ': ' + e.message, text: tr('preview.bad') + ': ' + e.message });
      }
      return form.elements.doc.value;
    };
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const name = encodeURIComponent(form.elements.printer.value);
      show(out, 'running', tr('running'));
      try {
        const r = await blob('POST', '/v1/printers/' + name + '/preview', docText());
        if (previewURL) URL.revokeObjectURL(previewURL);
        previewURL = URL.createObjectURL(r.blob);
        $('#preview-img').replaceChildren(el('img', { src: previewURL, alt: tr('preview.alt') }));
        const inexact = Number(r.headers.get('X-Uapos-Inexact') || 0);
        show(out, 'ok', tr('res.preview', r.headers.get('X-Uapos-Profile'), r.headers.get('X-Uapos-Charset')) +
          (inexact ? ' ' + tr('res.inexact', inexact) : ''));
      } catch (err) {
        show(out, 'bad', errorNode(err));
      }
    });
    $('#preview-print').addEventListener('click', async () => {
      const name = form.elements.printer.value;
      show(out, 'running', tr('running'));
      try {
        const r = await api('POST', '/v1/printers/' + encodeURIComponent(name) + '/print', docText());
        show(out, 'ok', tr('res.printed', r.charset || ''));
        loadRoll(name);
      } catch (err) {
        show(out, 'bad', errorNode(err));
      }
    });
  }

  // ---- start ----

  function start() {
    $('#token-change').addEventListener('click', () => askToken().then(() => { loadDevices(); loadTransactions(); }));
    const search = $('#tx-search');
    search.addEventListener('submit', (ev) => { ev.preventDefault(); loadTransactions(); });
    search.addEventListener('reset', () => setTimeout(loadTransactions, 0));
    setupPreview();
    loadDevices().then(() => {
      loadTransactions();
      stream();
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
