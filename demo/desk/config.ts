/** This desk's configuration, as a team would keep it: the tagging rules, the editor's schema, the IVR scenario's attributes. */
import type { SchemaInput } from '../../components/schema.ts';
import type { TagRuleInput } from '../../src/tagging/rules.ts';
import type { Attributes } from '../../src/validate.ts';

/** The tagging rules of this desk, as JSON a team would keep in a config file. */
export const RULES: TagRuleInput[] = [
  {
    id: 'handled-by',
    name: 'Who answered, and when',
    on: 'connected',
    set: { HandledBy: '{{agent.username}}', ConnectedAt: '{{event.at}}' },
  },
  {
    id: 'wrap-up',
    name: 'When it ended, how long it lasted',
    on: 'acw',
    set: { EndedAt: '{{event.at}}', TalkSeconds: '{{duration.connected}}' },
  },
  {
    id: 'vip',
    name: 'Gold customers get priority',
    on: 'connected',
    when: { attributes: { CustomerTier: { equals: 'gold' } } },
    set: { Priority: 'high' },
  },
  {
    id: 'missed',
    name: 'Missed calls are flagged',
    on: 'missed',
    set: { MissedBy: '{{agent.username}}', MissedAt: '{{event.at}}' },
  },
];

/** A text in the CCP's languages, in this order: en, de, es, fr, it, ja, ko, pt-BR, zh-CN, zh-TW. */
function inEvery(
  ...texts: [string, string, string, string, string, string, string, string, string, string]
): Record<string, string> {
  const tags = ['en', 'de', 'es', 'fr', 'it', 'ja', 'ko', 'pt-BR', 'zh-CN', 'zh-TW'];
  return Object.fromEntries(tags.map((tag, index) => [tag, texts[index] ?? texts[0]]));
}

/**
 * The editor's field schema: structure for the keys this desk cares about; other keys are shown as text. Labels,
 * descriptions and choices are given in every language of the CCP (the stand-in CCP's language menu switches them).
 */
export const SCHEMA: SchemaInput = [
  {
    key: 'Disposition',
    label: inEvery(
      'Disposition',
      'Ergebnis',
      'Resultado',
      'Résultat',
      'Esito',
      '対応結果',
      '처리 결과',
      'Resultado',
      '处理结果',
      '處理結果',
    ),
    type: 'enum',
    options: [
      {
        value: 'Resolved',
        label: inEvery(
          'Resolved',
          'Gelöst',
          'Resuelto',
          'Résolu',
          'Risolto',
          '解決済み',
          '해결됨',
          'Resolvido',
          '已解决',
          '已解決',
        ),
      },
      {
        value: 'Follow-up needed',
        label: inEvery(
          'Follow-up needed',
          'Nachverfolgung nötig',
          'Requiere seguimiento',
          'Suivi nécessaire',
          'Richiede un seguito',
          '要フォローアップ',
          '후속 조치 필요',
          'Requer acompanhamento',
          '需要跟进',
          '需要後續追蹤',
        ),
      },
      {
        value: 'Escalated',
        label: inEvery(
          'Escalated',
          'Eskaliert',
          'Escalado',
          'Escaladé',
          'Inoltrato',
          'エスカレーション済み',
          '에스컬레이션됨',
          'Escalado',
          '已升级',
          '已升級',
        ),
      },
      {
        value: 'No answer',
        label: inEvery(
          'No answer',
          'Keine Antwort',
          'Sin respuesta',
          'Pas de réponse',
          'Nessuna risposta',
          '応答なし',
          '응답 없음',
          'Sem resposta',
          '无应答',
          '無回應',
        ),
      },
    ],
    required: true,
  },
  {
    key: 'Notes',
    label: inEvery('Notes', 'Notizen', 'Notas', 'Notes', 'Note', 'メモ', '메모', 'Observações', '备注', '備註'),
    type: 'multiline',
  },
  {
    key: 'CustomerTier',
    label: inEvery(
      'Customer tier',
      'Kundenstufe',
      'Nivel de cliente',
      'Niveau client',
      'Livello cliente',
      '顧客ランク',
      '고객 등급',
      'Nível do cliente',
      '客户等级',
      '客戶等級',
    ),
    readOnly: true,
    description: inEvery(
      'Set by the contact flow.',
      'Vom Kontaktfluss gesetzt.',
      'Lo establece el flujo de contacto.',
      'Défini par le flux de contact.',
      'Impostato dal flusso di contatti.',
      'コンタクトフローで設定されます。',
      '연락 흐름에서 설정됩니다.',
      'Definido pelo fluxo de contato.',
      '由联系流设置。',
      '由聯絡流程設定。',
    ),
  },
  {
    key: 'HandledBy',
    label: inEvery(
      'Handled by',
      'Bearbeitet von',
      'Atendido por',
      'Traité par',
      'Gestito da',
      '担当エージェント',
      '처리한 상담원',
      'Atendido por',
      '处理人',
      '處理人員',
    ),
    readOnly: true,
    description: inEvery(
      'Tagged automatically.',
      'Automatisch gesetzt.',
      'Se etiqueta automáticamente.',
      'Ajouté automatiquement.',
      'Impostato automaticamente.',
      '自動で設定されます。',
      '자동으로 설정됩니다.',
      'Marcado automaticamente.',
      '自动标记。',
      '自動標記。',
    ),
  },
];

/** Attributes a contact flow puts on a call before it reaches the agent (the "IVR call" scenario). */
export const IVR_ATTRIBUTES: Attributes = { CustomerTier: 'gold', Intent: 'billing', AccountId: 'AC-40917' };
