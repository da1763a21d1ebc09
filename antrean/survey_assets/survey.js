/* Antrean — the volunteer's SKM survey page (served by the hub at /survey).
 *
 * A volunteer reads the nine questions to a resident who cannot use the kiosk and touches the
 * answers. Plain script (no modules, no build step, nothing from the internet) so that the
 * browser of a cheap Android phone runs it. The phone is paired once: the code goes to
 * POST /api/v1/pair as a "survey" device and the token stays in localStorage. Nothing reaches
 * the hub before "Kirim survei": one POST /api/v1/survey with a request id made once per
 * survey, so resending after a dropped connection can never count it twice.
 * Values from the hub go into the page as text, never as HTML.
 */
(function () {
  'use strict';

  var API = '/api/v1';
  var KEY_TOKEN = 'antrean.survey.token';
  var KEY_NAME = 'antrean.survey.device';
  var KEY_LANG = 'antrean.survey.lang';

  var T = {
    id: {
      title: 'Survei Kepuasan Masyarakat', other_lang: 'English',
      pair_title: 'Pasangkan HP ini',
      pair_hint: 'Minta kode 6 angka kepada ketua pos (berlaku 2 menit). HP ini hanya bisa mengirim survei.',
      pair_code: 'Kode pemasangan', pair_name: 'Nama HP / relawan', pair_submit: 'Pasangkan',
      pair_bad_code: 'Kode pemasangan terdiri dari 6 angka.',
      pair_no_name: 'Isi nama HP atau relawan.',
      paired_as: 'Terpasang sebagai', unpair: 'Lepas',
      unpair_confirm: 'Lepas pasangan HP ini? Untuk memakainya lagi perlu kode baru dari ketua pos.',
      cancel_confirm: 'Batalkan survei ini? Jawaban yang sudah dipilih tidak dikirim.',
      unpaired: 'HP ini belum dipasangkan lagi. Minta kode baru kepada ketua pos.',
      ticket_title: 'Nomor antrean warga', ticket_number: 'Nomor pada tiket (mis. A12)',
      ticket_check: 'Periksa', ticket_bad: 'Ketik huruf layanan lalu angkanya, misalnya A12.',
      ticket_unknown: 'Nomor {number} tidak ditemukan hari ini.',
      ticket_not_served: 'Nomor {number} belum selesai dilayani. Survei diisi setelah layanan selesai.',
      ticket_done: 'Nomor {number} sudah mengisi survei. Terima kasih.',
      ticket_line: 'Nomor {number} · {service}',
      read_hint: 'Bacakan setiap pertanyaan dan pilihan jawabannya, lalu sentuh jawaban warga.',
      question_n: 'Pertanyaan {n} dari {of}',
      profile_title: 'Tentang warga (tidak wajib)',
      profile_hint: 'Tanpa nama, tanpa NIK. Kosongkan bila warga tidak ingin menjawab.',
      p_usia: 'Usia', p_jenis_kelamin: 'Jenis kelamin', p_pendidikan: 'Pendidikan terakhir',
      p_pekerjaan: 'Pekerjaan utama', p_none: '— tidak dijawab —',
      answered: '{n} dari {of} pertanyaan terjawab',
      missing: 'Belum dijawab: {names}. Survei dihitung bila kesembilan pertanyaan terjawab.',
      send: 'Kirim survei', sending: 'Mengirim…', cancel: 'Batal',
      offline: 'Hub tidak terjangkau. Jawaban masih di layar ini — periksa Wi-Fi pos, lalu tekan "Kirim survei" lagi (tidak akan tercatat dua kali).',
      done_title: 'Terima kasih!', done_text: 'Survei nomor {number} sudah tersimpan di hub.',
      again: 'Survei berikutnya', loading: 'Memuat…',
      load_failed: 'Pertanyaan tidak bisa dimuat dari hub. Periksa Wi-Fi pos lalu muat ulang halaman.',
      footer: 'Survei Kepuasan Masyarakat — PermenPANRB 14/2017. Data langsung ke hub pos.'
    },
    en: {
      title: 'Public Satisfaction Survey', other_lang: 'Bahasa Indonesia',
      pair_title: 'Pair this phone',
      pair_hint: 'Ask the post lead for a 6-digit code (valid 2 minutes). This phone can only send surveys.',
      pair_code: 'Pairing code', pair_name: 'Phone / volunteer name', pair_submit: 'Pair',
      pair_bad_code: 'The pairing code is 6 digits.',
      pair_no_name: 'Enter a name for the phone or volunteer.',
      paired_as: 'Paired as', unpair: 'Unpair',
      unpair_confirm: 'Unpair this phone? Using it again needs a new code from the post lead.',
      cancel_confirm: 'Cancel this survey? The answers chosen are not sent.',
      unpaired: 'This phone is no longer paired. Ask the post lead for a new code.',
      ticket_title: "Resident's queue number", ticket_number: 'Number on the ticket (e.g. A12)',
      ticket_check: 'Check', ticket_bad: 'Type the service letter, then the digits, e.g. A12.',
      ticket_unknown: 'Number {number} was not issued today.',
      ticket_not_served: 'Number {number} has not been served yet. The survey comes after the service.',
      ticket_done: 'Number {number} has already answered the survey. Thank you.',
      ticket_line: 'Number {number} · {service}',
      read_hint: "Read each question and its answers aloud, then touch the resident's answer.",
      question_n: 'Question {n} of {of}',
      profile_title: 'About the resident (optional)',
      profile_hint: 'No name, no ID number. Leave empty if the resident prefers not to say.',
      p_usia: 'Age', p_jenis_kelamin: 'Gender', p_pendidikan: 'Highest education',
      p_pekerjaan: 'Main occupation', p_none: '— not answered —',
      answered: '{n} of {of} questions answered',
      missing: 'Not answered yet: {names}. The survey counts only with all nine answered.',
      send: 'Send survey', sending: 'Sending…', cancel: 'Cancel',
      offline: 'The hub cannot be reached. The answers are still on this screen — check the post Wi-Fi, then press "Send survey" again (it will not be counted twice).',
      done_title: 'Thank you!', done_text: 'The survey for number {number} is stored at the hub.',
      again: 'Next survey', loading: 'Loading…',
      load_failed: "The questions could not be loaded from the hub. Check the post Wi-Fi and reload the page.",
      footer: 'Public Satisfaction Survey — PermenPANRB 14/2017. Data goes straight to the post hub.'
    }
  };

  var lang = read(KEY_LANG) === 'en' ? 'en' : 'id';
  var questions = null;   // GET /survey/questions
  var services = {};      // service id -> {name, name_en}
  var ticket = null;      // the checked ticket
  var answers = {};       // element id -> 1..4
  var requestId = null;   // one per survey: a resend is the same survey

  function $(id) { return document.getElementById(id); }

  function t(key, args) {
    var s = (T[lang] && T[lang][key]) || T.id[key] || key;
    if (args) {
      for (var k in args) {
        if (Object.prototype.hasOwnProperty.call(args, k)) s = s.split('{' + k + '}').join(String(args[k]));
      }
    }
    return s;
  }

  function read(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function write(key, value) {
    try {
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { /* private mode: this page's session only */ }
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (Object.prototype.hasOwnProperty.call(attrs, k) && attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, String(attrs[k]));
      }
    }
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function say(node, text, kind) {
    node.textContent = text || '';
    node.className = 'msg' + (kind ? ' ' + kind : '');
  }

  function uuid4() {
    // crypto.randomUUID needs HTTPS; getRandomValues works on the post's plain Wi-Fi too.
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = [];
    for (var i = 0; i < 16; i++) h.push((b[i] + 0x100).toString(16).slice(1));
    return h.slice(0, 4).join('') + '-' + h.slice(4, 6).join('') + '-' + h.slice(6, 8).join('') +
      '-' + h.slice(8, 10).join('') + '-' + h.slice(10, 16).join('');
  }

  function normalize(text) {
    var m = /^\s*([A-Za-z])\s*0*([0-9]{1,5})\s*$/.exec(text || '');
    if (!m || parseInt(m[2], 10) === 0) return null;
    var digits = String(parseInt(m[2], 10));
    while (digits.length < 3) digits = '0' + digits;
    return m[1].toUpperCase() + digits;
  }

  function hubText(body) {
    if (!body) return '';
    return (lang === 'en' && body.message_en) ? body.message_en : (body.message || body.error || '');
  }

  // fetch → {status, body}; status 0 when the hub could not be reached.
  function call(method, path, body, auth) {
    var headers = {'Accept': 'application/json'};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    var token = read(KEY_TOKEN);
    if (auth && token) headers['Authorization'] = 'Bearer ' + token;
    return fetch(API + path, {method: method, headers: headers, cache: 'no-store',
                              body: body === undefined ? undefined : JSON.stringify(body)})
      .then(function (r) {
        return r.text().then(function (txt) {
          var parsed = null;
          try { parsed = txt ? JSON.parse(txt) : null; } catch (e) { parsed = null; }
          return {status: r.status, body: parsed};
        });
      }, function () { return {status: 0, body: null}; });
  }

  // ----- words ------------------------------------------------------------------------
  function applyWords() {
    document.documentElement.lang = lang;
    var nodes = document.querySelectorAll('[data-i18n]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute('data-i18n'));
    $('lang').textContent = t('other_lang');
    $('lang').setAttribute('lang', lang === 'id' ? 'en' : 'id');
    document.title = t('title') + ' — Antrean';
    if (questions) { buildQuestions(); buildProfile(); }
    if (ticket) showTicketLine();
    countAnswered();
  }

  // ----- pairing ----------------------------------------------------------------------
  function showPaired() {
    var token = read(KEY_TOKEN);
    $('pair').hidden = !!token;
    $('paired').hidden = !token;
    $('device-name').textContent = read(KEY_NAME) || '';
    if (!token) $('pair-code').focus();
  }

  function onPair(ev) {
    ev.preventDefault();
    var code = $('pair-code').value.replace(/\s+/g, '');
    var name = $('pair-name').value.trim();
    if (!/^[0-9]{6}$/.test(code)) { say($('pair-msg'), t('pair_bad_code'), 'bad'); return; }
    if (!name) { say($('pair-msg'), t('pair_no_name'), 'bad'); return; }
    $('pair-submit').disabled = true;
    call('POST', '/pair', {code: code, role: 'survey', name: name}).then(function (r) {
      $('pair-submit').disabled = false;
      if (r.status === 201 && r.body && r.body.token) {
        write(KEY_TOKEN, r.body.token);
        write(KEY_NAME, r.body.name || name);
        $('pair-code').value = '';
        say($('pair-msg'), '');
        showPaired();
        $('ticket-number').focus();
      } else {
        say($('pair-msg'), r.status === 0 ? t('offline') : hubText(r.body), 'bad');
      }
    });
  }

  function unpair() {
    if (!window.confirm(t('unpair_confirm'))) return;
    write(KEY_TOKEN, null);
    write(KEY_NAME, null);
    resetSurvey();
    showPaired();
  }

  // ----- the ticket -------------------------------------------------------------------
  function serviceName(id) {
    var s = services[id];
    if (!s) return id || '';
    return lang === 'en' && s.name_en ? s.name_en : s.name;
  }

  function showTicketLine() {
    $('ticket-line').textContent = t('ticket_line', {number: ticket.number, service: serviceName(ticket.service)});
  }

  function onTicket(ev) {
    ev.preventDefault();
    var number = normalize($('ticket-number').value);
    var msg = $('ticket-msg');
    if (!number) { say(msg, t('ticket_bad'), 'bad'); return; }
    $('ticket-submit').disabled = true;
    // a ticket by its (guessable) number is for paired devices only: send the token
    call('GET', '/tickets/by-number/' + encodeURIComponent(number), undefined, true).then(function (r) {
      $('ticket-submit').disabled = false;
      if (r.status === 0) { say(msg, t('offline'), 'bad'); return; }
      if (r.status === 401) {  // the token was revoked: pair this phone again
        say(msg, t('unpaired'), 'bad');
        write(KEY_TOKEN, null);
        showPaired();
        return;
      }
      if (r.status === 404) { say(msg, t('ticket_unknown', {number: number}), 'bad'); return; }
      if (r.status !== 200 || !r.body) { say(msg, hubText(r.body), 'bad'); return; }
      if (r.body.state !== 'served') { say(msg, t('ticket_not_served', {number: number}), 'bad'); return; }
      if (r.body.surveyed) { say(msg, t('ticket_done', {number: number}), 'bad'); return; }
      say(msg, '');
      startSurvey(r.body);
    });
  }

  function startSurvey(tk) {
    ticket = {id: tk.id, number: tk.number, service: tk.service};
    answers = {};
    requestId = uuid4();
    buildQuestions();
    buildProfile();
    showTicketLine();
    countAnswered();
    say($('send-msg'), '');
    $('ticket-step').hidden = true;
    $('survey-form').hidden = false;
    $('done').hidden = true;
    window.scrollTo(0, 0);
  }

  function resetSurvey() {
    ticket = null;
    answers = {};
    requestId = null;
    $('ticket-number').value = '';
    say($('ticket-msg'), '');
    $('survey-form').hidden = true;
    $('done').hidden = true;
    $('ticket-step').hidden = false;
  }

  // ----- the questions ----------------------------------------------------------------
  function buildQuestions() {
    var box = $('questions');
    box.textContent = '';
    var els = questions.elements;
    for (var i = 0; i < els.length; i++) box.appendChild(questionCard(els[i], i, els.length));
  }

  function questionCard(e, i, of) {
    var card = el('fieldset', {'class': 'card question', id: 'q-' + e.id, 'data-element': e.id});
    card.appendChild(el('legend', {title: t('question_n', {n: i + 1, of: of})},
                        (i + 1) + '. ' + (lang === 'en' ? e.name_en : e.name)));
    card.appendChild(el('p', {'class': 'question-text'}, lang === 'en' ? e.question_en : e.question));
    var list = el('div', {'class': 'answers'});
    for (var j = 0; j < e.answers.length; j++) {
      var a = e.answers[j];
      var b = el('button', {type: 'button', 'class': 'answer s' + a.score, 'data-element': e.id,
                            'data-score': a.score, 'aria-pressed': answers[e.id] === a.score ? 'true' : 'false'});
      b.appendChild(el('span', {'class': 'score'}, a.score));
      b.appendChild(el('span', {'class': 'label'}, lang === 'en' ? a.text_en : a.text));
      b.addEventListener('click', onAnswer);
      list.appendChild(b);
    }
    card.appendChild(list);
    return card;
  }

  function onAnswer(ev) {
    var b = ev.currentTarget;
    var id = b.getAttribute('data-element');
    answers[id] = parseInt(b.getAttribute('data-score'), 10);
    var siblings = b.parentNode.querySelectorAll('button');
    for (var i = 0; i < siblings.length; i++) siblings[i].setAttribute('aria-pressed', siblings[i] === b ? 'true' : 'false');
    b.parentNode.parentNode.className = 'card question is-answered';
    countAnswered();
    if (!missing().length && $('send-msg').className === 'msg bad') say($('send-msg'), '');
  }

  function buildProfile() {
    var box = $('profile');
    var before = profileValues();
    box.textContent = '';
    var fields = questions.profile;
    for (var key in fields) {
      if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
      var label = el('label');
      label.appendChild(el('span', null, t('p_' + key)));
      var sel = el('select', {id: 'p-' + key, 'data-field': key});
      sel.appendChild(el('option', {value: ''}, t('p_none')));
      for (var i = 0; i < fields[key].length; i++) {
        var o = fields[key][i];
        var opt = el('option', {value: o.id}, lang === 'en' ? o.text_en : o.text);
        if (before[key] === o.id) opt.selected = true;
        sel.appendChild(opt);
      }
      label.appendChild(sel);
      box.appendChild(label);
    }
  }

  function profileValues() {
    var out = {};
    var sels = document.querySelectorAll('#profile select');
    for (var i = 0; i < sels.length; i++) {
      if (sels[i].value) out[sels[i].getAttribute('data-field')] = sels[i].value;
    }
    return out;
  }

  function missing() {
    var out = [];
    if (!questions) return out;
    for (var i = 0; i < questions.elements.length; i++) {
      var e = questions.elements[i];
      if (!answers[e.id]) out.push(e);
    }
    return out;
  }

  function countAnswered() {
    if (!questions) return;
    var of = questions.elements.length;
    $('answered').textContent = t('answered', {n: of - missing().length, of: of});
  }

  // ----- sending ----------------------------------------------------------------------
  function onSend(ev) {
    ev.preventDefault();
    var msg = $('send-msg');
    var gaps = missing();
    if (gaps.length) {
      var names = gaps.map(function (e) { return lang === 'en' ? e.name_en : e.name; });
      say(msg, t('missing', {names: names.join(', ')}), 'bad');
      var first = $('q-' + gaps[0].id);
      if (first && first.scrollIntoView) first.scrollIntoView();
      return;
    }
    $('send').disabled = true;
    say(msg, t('sending'));
    call('POST', '/survey', {ticket: ticket.id, answers: answers, profile: profileValues(),
                             request_id: requestId}, true).then(function (r) {
      $('send').disabled = false;
      if (r.status === 201 || r.status === 200) {
        say(msg, '');
        $('survey-form').hidden = true;
        $('done').hidden = false;
        $('done-text').textContent = t('done_text', {number: ticket.number});
        window.scrollTo(0, 0);
      } else if (r.status === 401) {
        say(msg, t('unpaired'), 'bad');
        write(KEY_TOKEN, null);
        showPaired();
      } else if (r.status === 0 || r.status >= 500) {
        say(msg, t('offline'), 'bad');  // kept on screen, same request id on the next try
      } else {
        say(msg, hubText(r.body), 'bad');
      }
    });
  }

  // ----- start --------------------------------------------------------------------------
  function start() {
    $('lang').addEventListener('click', function () {
      lang = lang === 'id' ? 'en' : 'id';
      write(KEY_LANG, lang);
      applyWords();
    });
    $('pair-form').addEventListener('submit', onPair);
    $('unpair').addEventListener('click', unpair);
    $('ticket-form').addEventListener('submit', onTicket);
    $('survey-form').addEventListener('submit', onSend);
    $('cancel').addEventListener('click', function () {
      var any = false;
      for (var k in answers) { if (Object.prototype.hasOwnProperty.call(answers, k)) any = true; }
      if (!any || window.confirm(t('cancel_confirm'))) resetSurvey();
    });
    $('again').addEventListener('click', function () { resetSurvey(); $('ticket-number').focus(); });
    applyWords();
    showPaired();
    var status = $('status');
    status.hidden = false;
    status.textContent = t('loading');
    Promise.all([call('GET', '/survey/questions'), call('GET', '/services'), call('GET', '/health')])
      .then(function (rs) {
        if (rs[0].status !== 200 || !rs[0].body) {
          status.textContent = t('load_failed');
          status.className = 'status bad';
          return;
        }
        status.hidden = true;
        questions = rs[0].body;
        var list = rs[1].body || [];
        for (var i = 0; i < list.length; i++) services[list[i].id] = list[i];
        if (rs[2].body && rs[2].body.post) $('post-name').textContent = rs[2].body.post.name;
        document.body.className = 'ready';
        applyWords();
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
