// Ranking themes by keyboard: "Move up" and "Move down" buttons instead of a number per theme.
// Progressive enhancement only: without this script each theme has a numbered choice, and the
// form is the same either way, because the buttons fill in those numbers before it is sent.
// A live region says where a theme moved to, for people who cannot see the list change.

const form = document.querySelector('[data-module="app-theme-ranking"]');

// After an error the numbered choices carry the messages, so they stay as they are.
if (form && !form.hasAttribute('data-has-errors')) {
  const list = form.querySelector('.app-ranking');
  const status = form.querySelector('[data-ranking-status]');
  const items = () => Array.from(list.querySelectorAll('.app-ranking__item'));
  const selectOf = (item) => item.querySelector('select[data-theme-rank]');
  // The words come from the page, translated there like every other string.
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, key) => values[key] ?? whole);
  const words = {
    up: form.dataset.moveUp,
    down: form.dataset.moveDown,
    now: (name, position, count) => fill(form.dataset.movedTo, { name, position, count }),
    top: (name) => fill(form.dataset.atTop, { name }),
    bottom: (name) => fill(form.dataset.atBottom, { name }),
  };

  // Start from the numbers already chosen (the member's last ranking); unnumbered go last.
  const number = (item) => Number(selectOf(item).value) || Number.MAX_SAFE_INTEGER;
  items()
    .map((item, index) => ({ item, index }))
    .sort((a, b) => number(a.item) - number(b.item) || a.index - b.index)
    .forEach(({ item }) => list.appendChild(item));

  const renumber = () => {
    items().forEach((item, index) => {
      selectOf(item).value = String(index + 1);
    });
  };

  const move = (item, step, button) => {
    const all = items();
    const from = all.indexOf(item);
    const to = from + step;
    const name = item.dataset.themeName;
    if (to < 0 || to >= all.length) {
      status.textContent = step < 0 ? words.top(name) : words.bottom(name);
      return;
    }
    if (step < 0) {
      list.insertBefore(item, all[to]);
    } else {
      list.insertBefore(item, all[to].nextSibling);
    }
    renumber();
    button.focus();
    status.textContent = words.now(name, to + 1, all.length);
  };

  const makeButton = (label, name, step, item) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'govuk-button govuk-button--secondary govuk-!-margin-bottom-0';
    button.textContent = label + ' ';
    const hidden = document.createElement('span');
    hidden.className = 'govuk-visually-hidden';
    hidden.textContent = name;
    button.appendChild(hidden);
    button.addEventListener('click', () => move(item, step, button));
    return button;
  };

  items().forEach((item) => {
    const name = item.dataset.themeName;
    // The numbered choice stays in the form, out of sight and out of the tab order.
    const group = selectOf(item).closest('.govuk-form-group');
    group.hidden = true;
    const label = document.createElement('span');
    label.className = 'app-ranking__name govuk-body govuk-!-margin-bottom-0';
    label.textContent = name;
    item.appendChild(label);
    item.appendChild(makeButton(words.up, name, -1, item));
    item.appendChild(makeButton(words.down, name, 1, item));
  });
  renumber();
  list.classList.add('govuk-list--number');
  form.parentElement.querySelector('[data-ranking-hint="buttons"]')?.removeAttribute('hidden');
  form.parentElement.querySelector('[data-ranking-hint="numbers"]')?.setAttribute('hidden', '');
}
