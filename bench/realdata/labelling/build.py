exec(open('/work/labels/parse.py').read())
import csv
from collections import Counter, defaultdict
files=['dec_acc1.txt','dec_acc2.txt','dec_acc3.txt','dec_acc4.txt','dec_hot.txt','dec_random.txt']
groups=parse(files)
ucount=Counter(d['user'] for d in data)
t=defaultdict(list)
for d in data: t[d['text']].append(d['id'])
ident=set(i for v in t.values() if len(v)>1 for i in v)
rand=set(open('random_ids.txt').read().split())
rows=[]; mrows=[]
for k,(ids,desc,note,f) in enumerate(groups):
    mid=f'M{k+1:03d}'
    for i in ids:
        d=byid[i]
        if ucount[d['user']]>=2: how='account'
        elif i in ident: how='identical'
        elif i in rand: how='random'
        elif f=='dec_random.txt': how='random'
        else: how='hot'
        n=note
        if f=='dec_random.txt' and i not in rand and how=='random': n=('随机项检索所得的同事项/同对象留言; '+n).strip('; ')
        rows.append(dict(message_id=i, matter_id=mid, account=d['user'], how_found=how, note=n))
    mrows.append(dict(matter_id=mid, description=desc, n_messages=len(ids), n_accounts=len(set(byid[i]['user'] for i in ids))))
with open('labels.csv','w',newline='',encoding='utf-8') as fh:
    w=csv.DictWriter(fh, fieldnames=['message_id','matter_id','account','how_found','note']); w.writeheader(); w.writerows(rows)
with open('matters.csv','w',newline='',encoding='utf-8') as fh:
    w=csv.DictWriter(fh, fieldnames=['matter_id','description','n_messages','n_accounts']); w.writeheader(); w.writerows(mrows)
# stats
lab={r['message_id']:r['matter_id'] for r in rows}
print('messages',len(rows),'matters',len(mrows),'accounts',len(set(r['account'] for r in rows)))
print('how_found',Counter(r['how_found'] for r in rows))
sizes=Counter(m['n_messages'] for m in mrows); print('matter sizes',sorted(sizes.items()))
print('multi-account matters',sum(1 for m in mrows if m['n_accounts']>1), 'msgs in them', sum(m['n_messages'] for m in mrows if m['n_accounts']>1))
pairs=sum(m['n_messages']*(m['n_messages']-1)//2 for m in mrows); print('same-matter pairs',pairs)
xpairs=0
for m in mrows:
    ids=[r for r in rows if r['matter_id']==m['matter_id']]
    for a in range(len(ids)):
        for b in range(a+1,len(ids)):
            if ids[a]['account']!=ids[b]['account']: xpairs+=1
print('cross-account same-matter pairs',xpairs)
# same account different matter pairs
byacc=defaultdict(list)
for r in rows: byacc[r['account']].append(r['matter_id'])
sadm=sum(1 for a,ms in byacc.items() for x in range(len(ms)) for y in range(x+1,len(ms)) if ms[x]!=ms[y])
print('same-account different-matter pairs',sadm)
# identical pairs check
for v in t.values():
    if len(v)>1:
        ms=set(lab.get(i) for i in v)
        if len(ms)!=1 or None in ms: print('IDENTICAL SPLIT/MISSING',v,ms)
print('identical groups',sum(1 for v in t.values() if len(v)>1))
# account coverage
acc=[d['id'] for d in data if ucount[d['user']]>=2]
print('account msgs',len(acc),'covered',sum(1 for i in acc if i in lab))
