// styleProperties(): inline style through the CSSOM from the first render on (the strict-CSP page test,
// test/node/drop-in-csp.test.ts, shows that a style attribute binding is refused under style-src without
// 'unsafe-inline' and that this is not).
import { expect } from '@open-wc/testing';
import { html, render } from 'lit';
import sinon from 'sinon';
import { styleProperties, type StyleProperties } from '../../components/internal/style-properties.ts';

describe('styleProperties', () => {
  afterEach(() => sinon.restore());

  const bar = (properties: StyleProperties) => html`<div class="fill" ${styleProperties(properties)}></div>`;

  it('sets, updates and removes properties through element.style, never through the style attribute', () => {
    const setAttribute = sinon.spy(Element.prototype, 'setAttribute');
    const container = document.createElement('div');
    render(bar({ width: '25.00%', '--ccp-test': 'red' }), container);
    const fill = container.querySelector<HTMLElement>('.fill')!;
    expect(fill.style.width).to.equal('25%');
    expect(fill.style.getPropertyValue('--ccp-test')).to.equal('red');
    render(bar({ width: '60%', '--ccp-test': undefined }), container);
    expect(fill.style.width).to.equal('60%');
    expect(fill.style.getPropertyValue('--ccp-test')).to.equal('');
    render(bar({}), container);
    expect(fill.style.width).to.equal('');
    expect(setAttribute.getCalls().filter((call) => call.args[0] === 'style')).to.deep.equal([]);
  });

  it('refuses to go anywhere but on an element', () => {
    expect(() =>
      render(html`<div style=${styleProperties({ width: '1px' })}></div>`, document.createElement('div')),
    ).to.throw('styleProperties() goes on an element');
  });
});
