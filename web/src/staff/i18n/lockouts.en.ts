// Console: household sign-in pauses (wrong codes) and lifting them (issue 9).
import type { LockoutsMessages } from './lockouts.zh-CN'

const lockoutsEn: LockoutsMessages = {
  lockouts: {
    title: 'Sign-in pauses',
    intro:
      'When someone keeps typing wrong codes, only that network address is paused for that room; residents sign in from other phones as usual. A room is locked for everyone only after too many wrong codes from many addresses in a day. Phones already signed in stay signed in and can vote.',
    none: 'No room is paused.',
    building: 'Building',
    room: 'Room',
    status: 'Status',
    lockedAll: 'Paused for everyone until {time}',
    pausedSome: '{n} address(es) paused',
    wrongCodes: 'Wrong codes',
    period: 'When',
    sources: 'Addresses',
    address: 'Address',
    first: 'First',
    last: 'Last',
    pausedUntil: 'Paused until',
    notPaused: 'Not paused',
    noHousehold: 'Nobody lives in this room',
    lift: 'Lift the pause',
    lifted: 'Sign-in for {room} is open again',
    liftNote: 'Residents can sign in at once; the lift goes into the audit log. Addresses that sent wrong codes all day stay paused until their day ends.',
    lockedTag: 'Sign-in locked',
    pausedTag: '{n} address(es) paused',
  },
}

export default lockoutsEn
