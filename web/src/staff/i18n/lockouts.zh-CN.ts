// 工作台：住户登录暂停（输错户码）与解除（issue 9）。
// Merged into zh-CN.ts under `lockouts`; lockouts.en.ts has the same keys.
const lockoutsZh = {
  lockouts: {
    title: '登录暂停',
    intro:
      '有人反复输错户码时，只暂停出错的那个网络地址对这个房号的登录，住户用别的手机照常登录；同一房号一天内被很多地址输错太多次，才对所有人锁定。已经登录的手机一直有效，可以照常投票。',
    none: '目前没有被暂停的房号。',
    building: '楼栋',
    room: '房号',
    status: '状态',
    lockedAll: '所有人暂停到 {time}',
    pausedSome: '{n} 个地址被暂停',
    wrongCodes: '输错次数',
    period: '时间',
    sources: '来源地址',
    address: '地址',
    first: '首次',
    last: '最近',
    pausedUntil: '暂停到',
    notPaused: '未暂停',
    noHousehold: '没有这个房号的住户',
    lift: '解除暂停',
    lifted: '{room} 的登录暂停已解除',
    liftNote: '解除后住户马上可以登录，操作记入操作记录。一整天都在输错的地址仍然暂停到期满。',
    lockedTag: '登录已锁定',
    pausedTag: '{n} 个地址暂停登录',
  },
}

export type LockoutsMessages = typeof lockoutsZh
export default lockoutsZh
