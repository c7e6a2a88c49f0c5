// "Connect your ATS" on /connect (served as /connect/connect.js; the page allows no inline script).
// 1. Connect: POST /partner/kombo/connect/embedded { tool } -> { link }, opened in a popup window.
// 2. Kombo's setup ends with an activation token: it arrives by postMessage from the popup's exact
//    origin, or the person pastes it.
// 3. POST /partner/kombo/connect/embedded/activate { token }: the server binds the integration only if
//    Kombo says it was created for this account; the page says which ATS got connected, or why not.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var NAMES = { recruitee: 'Recruitee', greenhouse: 'Greenhouse', workable: 'Workable', personio: 'Personio', teamtailor: 'Teamtailor', smartrecruiters: 'SmartRecruiters', lever: 'Lever' };
  var popup = null;
  var kombo = null; // the exact origin of the Kombo link
  var busy = false;

  function say(text) { $('connect-alert').textContent = ''; $('connect-status').textContent = text; }
  function fail(text) { $('connect-status').textContent = ''; $('connect-alert').textContent = text; }
  function toolName(slug) { return NAMES[slug] || (slug ? slug.charAt(0).toUpperCase() + slug.slice(1) : 'your ATS'); }

  function post(path, body) {
    return fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (json) {
          if (res.ok) return json;
          var message = json && json.error && json.error.message;
          if (res.status === 401) message = 'Your dashboard session has ended. Log in again and retry.';
          throw new Error(message || 'Assay could not complete this step (HTTP ' + res.status + '). Try again.');
        });
      }, function () { throw new Error('Assay could not be reached. Check your connection and try again.'); });
  }

  function activate(token) {
    token = String(token || '').trim();
    if (busy) return;
    if (token.length < 8) { fail('Paste the activation token Kombo showed at the end of the setup.'); $('token').focus(); return; }
    busy = true;
    $('activate').disabled = true;
    say('Connecting…');
    post('/partner/kombo/connect/embedded/activate', { token: token }).then(function (r) {
      var ats = toolName(String(r.integration_id || '').split(':')[0]);
      $('activate-form').hidden = true;
      say('');
      var ok = $('connect-status');
      ok.className = 'ok';
      ok.textContent = ats + ' is connected. Your assessment packages are being sent to ' + ats + ' now.';
      if (popup && !popup.closed) popup.close();
    }, function (err) {
      fail('Not connected: ' + err.message);
      $('token').focus();
    }).then(function () { busy = false; $('activate').disabled = false; });
  }

  // UNCONFIRMED: the message Kombo's Connect SDK listens for is internal to the SDK; we accept
  // { token } or { activation_token } posted by the popup we opened, from the link's exact origin only.
  window.addEventListener('message', function (e) {
    if (!kombo || e.origin !== kombo || !popup || e.source !== popup) return;
    var d = e.data || {};
    var token = typeof d === 'string' ? d : d.activation_token || d.token;
    if (typeof token === 'string' && token) { $('token').value = token; activate(token); }
  });

  $('connect-form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (busy) return;
    var tool = $('tool').value;
    // Opened inside the click, so popup blockers allow it; it is pointed at Kombo once we have the link.
    // UNCONFIRMED: in production Kombo's Connect SDK (@kombo-api/connect, showKomboConnect(link)) would
    // replace this popup, the postMessage listener and the paste field: it opens the link itself and
    // resolves with the activation token. It cannot be loaded from a CDN here (strict CSP, no network).
    popup = window.open('about:blank', 'kombo-connect', 'popup,width=560,height=720');
    busy = true;
    $('connect').disabled = true;
    say('Asking Kombo for a connection link…');
    post('/partner/kombo/connect/embedded', tool ? { tool: tool } : {}).then(function (r) {
      kombo = new URL(r.link).origin;
      $('popup-link').href = r.link;
      if (popup && !popup.closed) {
        popup.location.href = r.link;
        $('popup-fallback').hidden = true;
      } else {
        $('popup-fallback').hidden = false;
      }
      $('activate-form').hidden = false;
      say('Kombo Connect is open in a new window. Finish the setup for ' + toolName(tool) + ' there, then paste the activation token here.');
    }, function (err) {
      if (popup && !popup.closed) popup.close();
      fail('Could not start Kombo Connect: ' + err.message);
    }).then(function () { busy = false; $('connect').disabled = false; });
  });

  $('activate-form').addEventListener('submit', function (e) {
    e.preventDefault();
    activate($('token').value);
  });
})();
