// Demo data for the demo-data generator: organisation units, product lines with
// models, fault phenomena (故障现象), customer names, addresses and free-text
// fragments. Everything here is invented; names and addresses do not refer to
// real people, and no phone numbers or personal data appear.
//
// Texts are mostly Simplified Chinese, with some Traditional Chinese, Spanish
// and English, so that search, sorting and classification meet mixed scripts.

import Foundation

public struct DemoOrgUnit: Sendable {
    public let code: String
    public let name: String
    /// "headquarters" | "branch" | "outlet" | "agent"
    public let kind: String
    public let parentCode: String?
    public let city: String
    public let latitude: Double
    public let longitude: Double
    /// IANA time-zone identifier.
    public let timeZone: String

    public init(
        code: String, name: String, kind: String, parentCode: String?, city: String,
        latitude: Double, longitude: Double, timeZone: String
    ) {
        self.code = code
        self.name = name
        self.kind = kind
        self.parentCode = parentCode
        self.city = city
        self.latitude = latitude
        self.longitude = longitude
        self.timeZone = timeZone
    }
}

public struct DemoModel: Sendable {
    public let code: String
    public let name: String
    public let warrantyMonths: Int
    /// "acceptance" | "installation" | "delivery" | "sale"
    public let warrantyStartsFrom: String
    /// "exceeds" | "above" | "meets"
    public let serviceLevel: String
    /// Subset of "emergency", "healthCare", "valueAdded".
    public let serviceFamilies: [String]
    public let serialPrefix: String

    public init(
        code: String, name: String, warrantyMonths: Int, warrantyStartsFrom: String,
        serviceLevel: String, serviceFamilies: [String], serialPrefix: String
    ) {
        self.code = code
        self.name = name
        self.warrantyMonths = warrantyMonths
        self.warrantyStartsFrom = warrantyStartsFrom
        self.serviceLevel = serviceLevel
        self.serviceFamilies = serviceFamilies
        self.serialPrefix = serialPrefix
    }
}

public struct DemoProductLine: Sendable {
    public let code: String
    public let name: String
    public let models: [DemoModel]
    public let faults: [String]
    public let customerRequests: [String]
    public let categories: [String]
    public let siteKinds: [String]

    public init(
        code: String, name: String, models: [DemoModel], faults: [String],
        customerRequests: [String], categories: [String], siteKinds: [String]
    ) {
        self.code = code
        self.name = name
        self.models = models
        self.faults = faults
        self.customerRequests = customerRequests
        self.categories = categories
        self.siteKinds = siteKinds
    }
}

public struct DemoPerson: Sendable {
    public let name: String
    public let role: String

    public init(name: String, role: String) {
        self.name = name
        self.role = role
    }
}

public enum DemoCatalog {

    // MARK: - Organisation (总部 → 分公司 → 服务网点 / 委托代理服务站)

    public static let orgUnits: [DemoOrgUnit] = [
        DemoOrgUnit(
            code: "HQ", name: "总部售后服务中心", kind: "headquarters", parentCode: nil,
            city: "长沙", latitude: 28.2282, longitude: 112.9388, timeZone: "Asia/Shanghai"),

        DemoOrgUnit(
            code: "BR-EC", name: "华东分公司", kind: "branch", parentCode: "HQ",
            city: "上海", latitude: 31.2304, longitude: 121.4737, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "BR-SC", name: "华南分公司", kind: "branch", parentCode: "HQ",
            city: "广州", latitude: 23.1291, longitude: 113.2644, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "BR-MAD", name: "马德里分公司 / Sucursal Madrid", kind: "branch", parentCode: "HQ",
            city: "Madrid", latitude: 40.4168, longitude: -3.7038, timeZone: "Europe/Madrid"),

        DemoOrgUnit(
            code: "OU-SZ", name: "苏州服务网点", kind: "outlet", parentCode: "BR-EC",
            city: "苏州", latitude: 31.2990, longitude: 120.5853, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "OU-HZ", name: "杭州服务网点", kind: "outlet", parentCode: "BR-EC",
            city: "杭州", latitude: 30.2741, longitude: 120.1551, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "AG-NJ", name: "南京委托代理服务站", kind: "agent", parentCode: "BR-EC",
            city: "南京", latitude: 32.0603, longitude: 118.7969, timeZone: "Asia/Shanghai"),

        DemoOrgUnit(
            code: "OU-SZX", name: "深圳服务网点", kind: "outlet", parentCode: "BR-SC",
            city: "深圳", latitude: 22.5431, longitude: 114.0579, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "AG-FS", name: "佛山委托代理服务站", kind: "agent", parentCode: "BR-SC",
            city: "佛山", latitude: 23.0215, longitude: 113.1214, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "AG-TPE", name: "臺北委託代理服務站", kind: "agent", parentCode: "BR-SC",
            city: "臺北", latitude: 25.0330, longitude: 121.5654, timeZone: "Asia/Taipei"),

        DemoOrgUnit(
            code: "OU-VLC", name: "Punto de servicio Valencia", kind: "outlet", parentCode: "BR-MAD",
            city: "Valencia", latitude: 39.4699, longitude: -0.3763, timeZone: "Europe/Madrid"),
        DemoOrgUnit(
            code: "AG-BCN", name: "Servicio técnico autorizado Barcelona", kind: "agent", parentCode: "BR-MAD",
            city: "Barcelona", latitude: 41.3874, longitude: 2.1686, timeZone: "Europe/Madrid"),
    ]

    // MARK: - Product lines (一品一案)

    public static let productLines: [DemoProductLine] = [
        copiers, ledScreens, machinery, windows, schoolIT, software, appliances,
    ]

    static let copiers = DemoProductLine(
        code: "COPIER",
        name: "复印机",
        models: [
            DemoModel(
                code: "AC-200", name: "AC-200 黑白数码复合机", warrantyMonths: 12,
                warrantyStartsFrom: "installation", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "ACA"),
            DemoModel(
                code: "AC-350", name: "AC-350 高速黑白复合机", warrantyMonths: 18,
                warrantyStartsFrom: "installation", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "ACB"),
            DemoModel(
                code: "AC-C5000", name: "AC-C5000 彩色生产型复印机", warrantyMonths: 24,
                warrantyStartsFrom: "installation", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "ACC"),
            DemoModel(
                code: "AC-P15", name: "AC-P15 桌面复印打印一体机", warrantyMonths: 12,
                warrantyStartsFrom: "sale", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "ACP"),
        ],
        faults: [
            "复印件打印模糊，有黑色条纹",
            "频繁卡纸，二号纸盒进纸处尤其严重",
            "开机报错 SC542，定影温度异常",
            "复印件底灰严重，整页发灰",
            "输稿器双面扫描时原稿歪斜",
            "彩色复印偏色，洋红色过重",
            "网络打印任务发送后机器无响应",
            "扫描到邮箱失败，提示 SMTP 认证错误",
            "已更换新碳粉盒仍提示碳粉不足",
            "运行时有咔咔的异常噪音",
            "定影不牢，手摸复印件掉粉",
            "装订器不出钉，装订位置偏移",
            "影印件出現白色直線",
            "機器頻繁顯示「請呼叫維修人員」",
            "la copiadora no imprime a doble cara",
            "atascos de papel en la bandeja de salida",
            "paper jam in the finisher unit",
        ],
        customerRequests: [
            "尽快上门维修，明天有重要文件要印",
            "希望周末上门",
            "请带齐硒鼓和定影组件备件",
            "希望提供备用机",
            "顺便做一次保养",
            "請於上班時間前來",
            "solicita visita técnica por la mañana",
        ],
        categories: ["硬件故障", "耗材", "配置问题", "操作指导", "保养"],
        siteKinds: ["办公楼", "学校文印室", "医院行政楼", "图文快印店"]
    )

    static let ledScreens = DemoProductLine(
        code: "LED",
        name: "LED显示屏",
        models: [
            DemoModel(
                code: "LED-P2.5-IN", name: "P2.5 室内全彩LED显示屏", warrantyMonths: 24,
                warrantyStartsFrom: "acceptance", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "LDI"),
            DemoModel(
                code: "LED-P6-OUT", name: "P6 户外全彩LED显示屏", warrantyMonths: 36,
                warrantyStartsFrom: "acceptance", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "LDO"),
            DemoModel(
                code: "LED-P3.9-RT", name: "P3.9 租赁舞台LED屏", warrantyMonths: 12,
                warrantyStartsFrom: "delivery", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "LDR"),
        ],
        faults: [
            "显示屏部分模块不亮",
            "屏幕出现整列黑线",
            "局部出现马赛克、花屏",
            "画面闪烁，亮度不均匀",
            "拼接处色差明显，颜色不一致",
            "控制卡收不到信号，整屏黑屏",
            "户外屏雨后进水，部分灯珠损坏",
            "接收卡频繁掉线",
            "开机后电源箱空开跳闸",
            "亮度自动调节失效，夜间过亮扰民",
            "播放软件无法上传节目",
            "顯示屏模組有壞點，呈現常亮",
            "la pantalla muestra líneas verticales",
            "la pantalla se apaga sola después de unos minutos",
            "some LED modules show wrong colours",
        ],
        customerRequests: [
            "尽快上门维修，周一有大型活动",
            "请在夜间闭馆后施工",
            "希望更换备用模组后再返厂维修",
            "要求提供高空作业安全措施",
            "solicita visita técnica urgente",
            "please send a technician before the weekend",
        ],
        categories: ["硬件故障", "控制系统", "软件问题", "配置问题", "环境因素"],
        siteKinds: ["商场外墙", "会议中心", "体育馆", "学校报告厅", "户外广场"]
    )

    static let machinery = DemoProductLine(
        code: "MACHINERY",
        name: "工程机械（混凝土泵车、摊铺机、压路机）",
        models: [
            DemoModel(
                code: "ZLJ5419THBB 56X-6RZ", name: "56米混凝土泵车", warrantyMonths: 12,
                warrantyStartsFrom: "acceptance", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "ZLB"),
            DemoModel(
                code: "ZLJ5300THBK 38X-5RZ", name: "38米混凝土泵车", warrantyMonths: 12,
                warrantyStartsFrom: "delivery", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "ZLK"),
            DemoModel(
                code: "LTU90H", name: "LTU90H 多功能沥青摊铺机", warrantyMonths: 24,
                warrantyStartsFrom: "delivery", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "ZLP"),
            DemoModel(
                code: "YZC12J", name: "YZC12J 双钢轮振动压路机", warrantyMonths: 24,
                warrantyStartsFrom: "delivery", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "ZLR"),
        ],
        faults: [
            "泵车臂架动作缓慢",
            "液压系统漏油",
            "泵送压力不足，排量明显下降",
            "臂架展开时有异响",
            "主油缸换向冲击大",
            "发动机无法启动，仪表报故障码",
            "遥控器失灵，无法控制臂架",
            "支腿收放不同步",
            "料斗搅拌轴漏浆",
            "摊铺机熨平板加热不均",
            "摊铺厚度不均，找平仪报警",
            "压路机振动失效",
            "压路机行走无力，爬坡困难",
            "驾驶室空调不制冷",
            "支腿油缸內洩，車身緩慢下沉",
            "la bomba de hormigón pierde presión",
            "fuga de aceite en el cilindro de dirección",
            "engine overheats under load",
        ],
        customerRequests: [
            "工地停工待修，请两小时内到场",
            "尽快上门维修，明早要浇筑",
            "需要服务车带配件到工地",
            "希望安排驻场工程师",
            "请同时做一次整机保养检查",
            "solicita visita técnica en obra",
            "necesitamos una máquina de sustitución",
        ],
        categories: ["液压系统", "电气系统", "发动机", "结构件", "操作指导", "保养"],
        siteKinds: ["施工工地", "高速公路施工段", "市政道路工地", "搅拌站", "设备停放场"]
    )

    static let windows = DemoProductLine(
        code: "WINDOW",
        name: "铝合金门窗",
        models: [
            DemoModel(
                code: "WM-35", name: "WM-35 平开铝合金窗", warrantyMonths: 24,
                warrantyStartsFrom: "installation", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "WMA"),
            DemoModel(
                code: "WM-55", name: "WM-55 断桥隔热推拉窗", warrantyMonths: 36,
                warrantyStartsFrom: "installation", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "WMB"),
            DemoModel(
                code: "DM-70", name: "DM-70 铝合金折叠门", warrantyMonths: 24,
                warrantyStartsFrom: "installation", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "DMF"),
        ],
        faults: [
            "窗户密封条老化漏水",
            "推拉窗滑动不顺畅，有卡滞",
            "平开窗合页松动，窗扇下垂",
            "门窗锁点无法锁闭",
            "玻璃出现裂纹",
            "中空玻璃内部起雾",
            "窗框与墙体间缝隙渗水",
            "型材表面喷涂脱落",
            "纱窗破损，无法拉动",
            "执手断裂",
            "折叠门轨道变形，开关困难",
            "大风天窗户有啸叫声",
            "鋁窗排水孔堵塞，窗台積水",
            "la ventana no cierra herméticamente",
            "entra aire por la junta de la puerta corredera",
            "condensation between the glass panes",
        ],
        customerRequests: [
            "希望周末上门",
            "下雨前务必修好",
            "请先上门测量再报价",
            "希望整栋楼统一检查一次",
            "請提前一天電話預約",
            "solicita visita técnica para revisar todas las ventanas",
        ],
        categories: ["安装质量", "五金配件", "密封防水", "玻璃", "人为损坏"],
        siteKinds: ["住宅小区", "办公楼", "学校教学楼", "酒店", "医院病房楼"]
    )

    static let schoolIT = DemoProductLine(
        code: "SCHOOLIT",
        name: "校园信息化系统",
        models: [
            DemoModel(
                code: "EDU-SC100", name: "智慧教室整体解决方案", warrantyMonths: 36,
                warrantyStartsFrom: "acceptance", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "EDS"),
            DemoModel(
                code: "EDU-CL50", name: "计算机网络教室（50座）", warrantyMonths: 24,
                warrantyStartsFrom: "acceptance", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "EDC"),
            DemoModel(
                code: "EDU-BC20", name: "校园广播与录播系统", warrantyMonths: 24,
                warrantyStartsFrom: "installation", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "EDB"),
        ],
        faults: [
            "电子白板触控失灵",
            "投影仪画面发黄、亮度低",
            "教室多媒体中控无法开机",
            "学生机房多台电脑无法联网",
            "录播系统录制无声音",
            "校园广播部分教室无声",
            "一卡通消费机数据不同步",
            "教学楼三楼无线网络信号弱",
            "交互式一体机频繁死机",
            "教师机无法推送屏幕到学生端",
            "監控系統部分攝像頭離線",
            "la pizarra digital no responde al tacto",
            "el proyector no enciende en el aula 3B",
            "los ordenadores del aula de informática no arrancan",
            "students cannot log in to the learning platform",
        ],
        customerRequests: [
            "请在放学后或周末上门",
            "期末考试前务必修复",
            "希望安排教师操作培训",
            "尽快上门维修，下周有公开课",
            "solicita visita técnica fuera del horario lectivo",
            "solicita formación para el profesorado",
        ],
        categories: ["硬件故障", "网络问题", "软件问题", "配置问题", "操作指导"],
        siteKinds: ["学校机房", "普通教室", "录播教室", "行政办公楼", "aula digital"]
    )

    static let software = DemoProductLine(
        code: "SOFTWARE",
        name: "软件系统",
        models: [
            DemoModel(
                code: "SW-ERP5", name: "云枢 ERP 5.0", warrantyMonths: 12,
                warrantyStartsFrom: "acceptance", serviceLevel: "above",
                serviceFamilies: ["emergency", "valueAdded"], serialPrefix: "SWE"),
            DemoModel(
                code: "SW-HIS3", name: "医院信息系统 HIS 3.2", warrantyMonths: 24,
                warrantyStartsFrom: "acceptance", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "SWH"),
            DemoModel(
                code: "SW-OA2", name: "协同办公 OA 2.0", warrantyMonths: 12,
                warrantyStartsFrom: "acceptance", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "SWO"),
        ],
        faults: [
            "software crashes on login",
            "登录后提示数据库连接失败",
            "报表导出 Excel 后中文乱码",
            "数据同步失败，分支机构数据缺失",
            "升级后部分菜单无法打开",
            "打印单据格式错乱",
            "用户权限配置后不生效",
            "系统运行缓慢，查询超时",
            "接口调用返回 500 错误",
            "月结时金额计算错误",
            "移动端 App 打开即闪退",
            "管理员密码遗忘，无法登录后台",
            "系統時間與伺服器不同步，單據日期錯誤",
            "el sistema no guarda los cambios",
            "error al generar la factura electrónica",
            "license key expired message after update",
        ],
        customerRequests: [
            "请远程协助处理",
            "今天下班前必须恢复",
            "希望安排现场技术支持",
            "请提供新版本升级说明",
            "需要对新员工进行操作培训",
            "solicita asistencia remota",
            "please provide a root-cause report",
        ],
        categories: ["软件问题", "配置问题", "数据问题", "网络问题", "操作指导", "需求变更"],
        siteKinds: ["办公楼", "医院信息中心", "数据机房", "财务室"]
    )

    static let appliances = DemoProductLine(
        code: "APPLIANCE",
        name: "家用电器",
        models: [
            DemoModel(
                code: "KFR-35GW", name: "KFR-35GW 壁挂式变频空调", warrantyMonths: 36,
                warrantyStartsFrom: "installation", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "HAC"),
            DemoModel(
                code: "XQG100-B12", name: "XQG100-B12 十公斤滚筒洗衣机", warrantyMonths: 36,
                warrantyStartsFrom: "sale", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "HAW"),
            DemoModel(
                code: "BCD-470WD", name: "BCD-470WD 对开门冰箱", warrantyMonths: 36,
                warrantyStartsFrom: "sale", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "HAF"),
        ],
        faults: [
            "空调不制冷，外机不启动",
            "空调室内机漏水",
            "洗衣机脱水时剧烈抖动",
            "洗衣机显示 E4 故障码，不进水",
            "冰箱冷藏室结冰",
            "冰箱压缩机噪音大",
            "空调开机后有异味",
            "洗衣机门锁打不开",
            "冰箱门封条变形不密封",
            "空调遙控器無反應",
            "la lavadora no centrifuga",
            "refrigerator not cooling after power outage",
        ],
        customerRequests: [
            "希望周末上门",
            "尽快上门维修，家里有老人",
            "上门前请先电话联系",
            "请穿鞋套进门",
            "solicita visita técnica por la tarde",
        ],
        categories: ["硬件故障", "安装问题", "操作指导", "保养清洗"],
        siteKinds: ["住宅", "公寓", "宿舍", "小型商铺"]
    )

    // MARK: - Customers

    public static let companyNames: [String] = [
        // 湖南
        "长沙市第一中学",
        "华润置地",
        "中建五局三公司",
        "湖南湘江新区管理委员会",
        "长沙岳麓区实验小学",
        "长沙市雨花区中医院",
        "湘潭远大建材有限公司",
        "株洲恒通物流有限公司",
        "岳阳市第三人民医院",
        "常德桃花源建设工程有限公司",
        "衡阳市华新实验学校",
        "益阳龙岭工业园管委会",
        "娄底市钢城物业管理公司",
        "邵阳宝庆商贸城",
        "郴州市第五中学",
        "永州潇湘建材市场",
        "张家界武陵源旅游集团",
        "怀化市鹤城区教育局",
        "长沙星沙经开区市政工程公司",
        "湖南楚天路桥建设有限公司",
        // 华东
        "上海仁济医院",
        "上海浦东新区行政服务中心",
        "上海申华印务有限公司",
        "上海城建路桥养护有限公司",
        "上海静安商务楼宇管理公司",
        "上海徐汇区教育信息中心",
        "上海虹桥枢纽商业管理有限公司",
        "上海外高桥保税物流公司",
        "苏州工业园区星海实验中学",
        "苏州金鸡湖会展中心",
        "苏州吴中区人民医院",
        "杭州西溪湿地酒店管理有限公司",
        "杭州市拱墅区教育局",
        "杭州未来科技城管委会",
        "南京紫金建设工程有限公司",
        "南京江北新区图书馆",
        "宁波北仑港务集团",
        "无锡锡东新城商务区",
        "温州鹿城区行政中心",
        "合肥滨湖科学城建设公司",
        "中铁建设第九工程处",
        "中交二航局第六分公司",
        // 华南
        "广州天河城百货有限公司",
        "广州市越秀区人民政府",
        "广州地铁设计研究院",
        "广州白云国际会议中心",
        "广州番禺职业技术学院",
        "深圳南山科技园管理中心",
        "深圳市宝安区中心医院",
        "深圳福田区第二实验学校",
        "深圳海岸城购物中心",
        "佛山顺德美居家具有限公司",
        "东莞长安镇政府",
        "珠海横琴新区建设局",
        "中山大学附属第五医院",
        "惠州大亚湾石化区管委会",
        "汕头龙湖区人民医院",
        "江门新会陈皮产业园",
        "湛江港务集团机械公司",
        "清远市清城区政务服务中心",
        "韶关丹霞路桥工程有限公司",
        "肇庆星湖国际酒店",
        "梅州客都汽车城",
        "潮州瓷都陶瓷有限公司",
        "广西路桥集团第二工程公司",
        "海南三亚湾度假酒店",
        "福州市鼓楼区第二中心小学",
        "厦门嘉禾律师事务所",
        // 其他地区
        "江西赣粤高速公路养护公司",
        "武汉光谷软件园",
        "武汉长江商贸城",
        "郑州东区会展宾馆",
        "成都天府新区城市建设投资公司",
        "重庆两江新区市政工程公司",
        "西安高新第三中学",
        "北京朝阳区行政服务大厅",
        "北京华信会计师事务所",
        "天津滨海新区图书馆",
        "青岛海景花园大酒店",
        "济南历下区妇幼保健院",
        "沈阳华君科技资讯有限公司",
        "大连港湾物业管理有限公司",
        "哈尔滨冰城建工集团",
        "昆明滇池度假区管委会",
        "贵阳观山湖区人民医院",
        "南宁五象新区投资公司",
        // 繁體
        "臺北市信義區區公所",
        "新北市板橋國民小學",
        "臺中市立圖書館",
        "高雄港務工程處",
        "臺南市安平區衛生所",
        "桃園國際物流園區股份有限公司",
        "新竹科學園區華揚資訊股份有限公司",
        "香港九龍灣商業中心",
        "澳門威利建築工程有限公司",
        "臺北市立建國醫院",
        // Español
        "Colegio San José",
        "Ayuntamiento de Getafe",
        "Ayuntamiento de Alcalá de Henares",
        "Ayuntamiento de Sabadell",
        "Colegio Santa María del Pilar",
        "IES Miguel de Cervantes",
        "IES Politécnico de Valencia",
        "Hospital Virgen de la Esperanza",
        "Clínica Dental Sonrisa",
        "Construcciones Hermanos Ruiz S.L.",
        "Excavaciones y Obras Sierra Norte S.A.",
        "Aluminios del Tajo S.L.",
        "Ferretería Industrial Levante S.A.",
        "Hotel Plaza Mayor Madrid",
        "Centro Comercial Parque Sur",
        "Biblioteca Municipal de Leganés",
        "Gestoría Martínez y Asociados",
        "Universidad Popular de Móstoles",
        // English
        "Pacific Rim Logistics Ltd.",
        "Golden Bay International School",
        "Harbour View Hotel Group",
        "BrightPath Software Inc.",
        "Northgate Medical Centre",
        "Evergreen Property Management",
    ]

    public static let personNames: [String] = [
        "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞",
        "徐明", "孙丽", "马超", "朱红", "胡斌", "郭婷", "何军", "高峰", "林燕", "罗刚",
        "郑浩", "梁雪", "谢鹏", "宋佳", "唐亮", "韩梅", "冯涛", "邓雅琴", "曹宇", "彭博",
        "曾小兰", "肖建国", "田甜", "董志强", "袁晓东", "潘玉梅", "于海洋", "蒋文华", "蔡俊杰", "余秋菊",
        "杜鹏飞", "叶晓琳", "程子豪", "魏晨光", "苏婉清", "吕国栋", "丁一凡", "任晓燕", "沈家明", "姚春花",
        "卢志远", "姜雨桐", "崔世杰", "钟秀英", "谭永红", "陆思远", "汪美玲", "范立新", "金诗雨", "石振华",
        "廖红梅",
        // 繁體
        "陳志明", "黃淑芬", "張家豪", "劉怡君", "蔡宗翰", "鄭雅婷",
        // Español
        "María García López", "José Fernández Ruiz", "Carmen Martínez Sanz", "Antonio Sánchez Gil",
        "Lucía Romero Díaz", "Javier Moreno Torres", "Isabel Navarro Vega", "Manuel Jiménez Ortega",
        "Elena Castillo Prieto", "Pablo Herrera Molina",
        // English
        "David Miller", "Sarah Thompson", "Michael Chen",
    ]

    public static let contactNames: [String] = [
        "刘建军", "王秀英", "李国华", "张海燕", "陈立新", "杨桂芳", "赵建平", "黄小燕", "周国强", "吴晓红",
        "徐建新", "孙玉兰", "朱晓峰", "胡秀珍", "郭志华", "何丽娟", "高建国", "林志勇", "罗晓梅", "郑国平",
        "梁秀云", "谢建华", "宋春梅", "唐志明", "韩晓丽", "冯建伟", "邓秋月", "曹国庆", "彭丽萍", "曾德胜",
        "肖云峰", "田秀兰", "董晓军", "袁丽芳", "潘建勇", "于春燕", "蒋国良", "余志红", "杜晓波", "叶振宇",
        "程晓庆", "魏德华", "苏建明", "吕晓东", "丁海涛", "任玉珍", "沈国富", "姚丽华", "卢建生", "姜晓萍",
        "崔永刚", "钟丽娜", "谭建辉", "陆海峰", "汪晓菲", "范志国", "金海燕", "石磊", "廖志强", "贾红霞",
        "夏文斌", "韦秀兰",
        // 繁體
        "王建民", "李淑惠", "陳冠宇", "吳佩珊", "許家榮",
        // Español
        "Laura Gómez Herrero", "Francisco Ruiz Pérez", "Ana Belén Ortiz", "Miguel Ángel Serrano",
        "Rosa María Delgado", "Alberto Rubio Marín", "Cristina Vidal Soler", "Sergio Blanco Cano",
        "Beatriz Molina Ramos", "Raúl Castro Méndez",
        // English
        "Emily Wong", "James Carter", "Olivia Brown",
    ]

    public static let contactRoles: [String] = [
        "设备管理员",
        "行政主管",
        "采购经理",
        "项目经理",
        "信息中心主任",
        "后勤处处长",
        "总务科科长",
        "机务主管",
        "工地负责人",
        "物业经理",
        "办公室主任",
        "网络管理员",
        "财务主管",
        "教务处主任",
        "设备科工程师",
        "設備課長",
        "資訊室主任",
        "Jefe de mantenimiento",
        "Coordinador TIC",
        "Responsable de compras",
        "Director del centro",
        "Facilities manager",
        "IT administrator",
    ]

    // MARK: - Addresses and free text

    public static let streets: [String] = [
        "岳麓区麓谷大道 668 号",
        "芙蓉中路二段 118 号",
        "雨花区劳动东路 239 号",
        "星沙经开区东六线 88 号",
        "梅溪湖片区 3 号地块施工现场",
        "湘江新区滨江大道 17 号",
        "浦东新区张江路 1288 号",
        "静安区延安中路 905 号",
        "徐汇区漕溪北路 331 号",
        "闵行区虹桥路 2000 弄 5 号楼",
        "工业园区星湖街 328 号",
        "西湖区文三路 477 号",
        "余杭区文一西路 1500 号",
        "江北新区浦滨路 150 号",
        "天河区天河路 208 号",
        "越秀区环市东路 371 号",
        "番禺区市良路 1342 号",
        "南山区科技园科苑路 15 号",
        "宝安区新安街道创业二路 66 号",
        "顺德区大良街道新城路 9 号",
        "京港澳高速长沙段 K1523 施工标段",
        "绕城高速二期 5 标项目部",
        "地铁 7 号线 12 标段盾构井工地",
        "东二环改造工程 B 区",
        "开发区搅拌站 2 号泵位",
        "教学楼 A 座三楼 302 机房",
        "实验楼一层报告厅",
        "住院部 8 楼护士站",
        "行政楼 5 楼文印室",
        "阳光花园 12 栋 2 单元 1801 室",
        "锦绣家园 6 栋 503 室",
        "臺北市信義區松仁路 58 號",
        "新北市板橋區文化路一段 210 號",
        "高雄市前鎮區成功二路 33 號",
        "Calle de Alcalá 215, Madrid",
        "Avenida de la Constitución 12, Getafe",
        "Calle Mayor 48, Alcalá de Henares",
        "Polígono Industrial Los Olivos, nave 7, Getafe",
        "Avenida del Puerto 89, Valencia",
        "Carrer de Balmes 152, Barcelona",
        "Paseo de la Castellana 120, planta 3",
        "Unit 12, Harbour Road Business Park",
        "Building C, 88 Riverside Avenue",
    ]

    public static let notes: [String] = [
        "客户要求上门前先电话联系",
        "门卫处需登记，工程师请携带工作证",
        "设备位于三楼机房，无电梯，需搬运",
        "工地限高 4.5 米，泵车进场需提前报备",
        "重点客户，优先安排",
        "长期客户，每年巡检一次",
        "客户对上次维修不满意，请谨慎处理",
        "需要带 A3 纸和硒鼓备件",
        "现场需佩戴安全帽、穿反光背心",
        "学校上课期间禁止施工，请避开 8:00-16:30",
        "医院区域请保持安静，避开查房时间",
        "客户已自行重启设备，故障仍存在",
        "同一项目本月第三次报修",
        "配件需从总部仓库调拨",
        "已告知客户保外维修需先报价",
        "客户要求出具维修报告并盖章",
        "请先聯繫資訊室主任再進場",
        "停車場入口在大樓後側",
        "El cliente prefiere visitas por la mañana",
        "Es necesario pedir cita previa en conserjería",
        "Llevar repuestos de la junta de estanqueidad",
        "Customer speaks English only",
        "Parking available in basement level B2",
    ]

    public static let cancelReasons: [String] = [
        "客户自行解决",
        "重复报修",
        "客户已联系其他服务商",
        "设备已报废",
        "非我司产品",
        "客户取消需求",
        "超出保修范围，客户拒绝付费维修",
        "多次联系不上客户",
        "项目已停工，暂不需要服务",
        "误报，设备运行正常",
        "客戶暫緩維修",
        "El cliente resolvió el problema por su cuenta",
        "Solicitud duplicada",
        "Customer withdrew the request",
    ]

    public static let resolutions: [String] = [
        "更换定影组件，试印 50 张正常",
        "清洁光学部件和充电辊，复印件清晰",
        "更换搓纸轮及分页器，连续进纸 200 张无卡纸",
        "重新设置 SMTP 服务器参数，扫描到邮箱恢复",
        "更换故障LED模组两块，整屏显示正常",
        "更换接收卡并重新配屏，信号稳定",
        "更换开关电源，检查接地后送电正常",
        "更换液压油管密封圈，试车无渗漏",
        "清洗液压滤芯并补充液压油，臂架动作恢复正常",
        "更换主油缸换向阀，泵送压力恢复",
        "校准找平仪传感器，摊铺厚度均匀",
        "更换振动轴承，压路机振动恢复",
        "更换老化密封条，淋水试验无渗漏",
        "调整合页和锁点，窗扇开关顺畅",
        "疏通排水孔并打胶处理",
        "更换中空玻璃一块",
        "重新校准电子白板，触控正常",
        "更换投影灯泡并清洁滤网",
        "更换交换机端口，机房电脑恢复联网",
        "远程协助修复数据库连接配置",
        "升级补丁至最新版本，问题解决",
        "重置用户权限缓存，权限生效",
        "现场培训操作人员正确使用方法",
        "判定为人为损坏，已报价，客户同意付费维修",
        "更换故障部件后返厂检测，质检确认为材料缺陷",
        "補充冷媒並檢查管路，冷氣恢復製冷",
        "Se sustituyó la fuente de alimentación y se comprobó el funcionamiento",
        "Se ajustaron los herrajes de la ventana; cierre correcto",
        "Reinstalled the client application and cleared the local cache",
    ]
}
