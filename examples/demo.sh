#!/bin/sh
# demo.sh BINDIR DIR: build a demo case repository in DIR from the
# commands a clerk would type, then show what the clerk sees.
set -eu
bin=${1:?usage: demo.sh BINDIR DIR}
dir=${2:?usage: demo.sh BINDIR DIR}
PATH="$bin:$PATH"
export PATH
export FQ_USER="${FQ_USER:-李调解}" FQ_EMAIL="${FQ_EMAIL:-li@example.org}"
export FQ_TODAY="${FQ_TODAY:-2024-04-20}"
export GIT_CONFIG_NOSYSTEM=1

rm -rf "$dir"
fq init "$dir" --unit QSZ --name 青山镇人民调解委员会 --town 青山镇 --level township
export FQ_DIR="$dir"

a=$(fq new --title 王某甲与王某乙宅基地滴水檐纠纷 --category 宅基地 \
	--summary '两家因滴水檐及排水沟界址发生争执，多次口角' \
	--party 王某甲:申请人:13800000001 --party 王某乙:被申请人:13800000003 \
	--village 前王村 --grid 前王村第2网格 --accepted 2024-03-05 --mediator 李调解)
fq note --kind session "$a" 第一次调解，双方同意重新测量界址 >/dev/null
fq note --kind visit_site "$a" 现场查看排水沟走向 >/dev/null

b=$(fq new --title 张某赡养费分担纠纷 --category marriage_family \
	--summary '三兄弟对赡养老人费用分担有分歧' --source police_transfer \
	--party 张某:applicant --party 张某某:respondent --party 张某某某 \
	--village 后张村 --accepted 2024-03-07)
fq note "$b" 电话联系三方，约定3月25日到调委会面谈 >/dev/null

fq new --title 后张村8户与某公司补偿款分配纠纷 --category 征地拆迁 \
	--summary '征地补偿款分配不均，8户约20人多次到镇政府反映' \
	--party '后张村民8户:申请人' --party '某置业有限公司:被申请人' \
	--village 后张村 --accepted 2024-03-10 --risk red \
	--plan '县镇联动，一案一策：镇综治中心牵头，自然资源所核实面积' \
	--lead 张副镇长 >/dev/null

fq new --reported --title 小李庄承包地边界不清 --category 土地承包 \
	--summary '赵某等5户承包地边界不清，网格员排查发现' --source grid_report \
	--village 小李庄 --reported-on 2024-04-18 >/dev/null

fq new --title 孙某彩礼返还纠纷 --category 彩礼 --summary '订婚后解除婚约，彩礼返还数额有争议' \
	--party 孙某:申请人:13800000004 --party 钱某 --accepted 2024-03-18 \
	--risk yellow --plan '村调委会与司法所联合调解' --lead 李副镇长 >/dev/null

echo
echo "== fq list (all cases) =="
fq list
echo
echo "== fq list overdue =="
fq list overdue
echo
echo "== fq show $a =="
fq show "$a"
echo
echo "== fq log $a =="
fq log "$a"
echo
echo "== fq check =="
fq check
echo
echo "Demo repository: $dir  (try: fq -C $dir list category:宅基地)"
